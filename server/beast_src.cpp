// The one translation unit compiling Boost.Asio and Boost.Beast (separate compilation, see
// CMakeLists.txt): keeps the other server files, and the tests, quick to build.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
