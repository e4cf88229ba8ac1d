# The live-tail event-stream decoder (api/live_tail/event_stream.cpp): event_stream_fuzzer.cpp.
cwlogd_add_fuzzer(event_stream
  SOURCES ${CMAKE_SOURCE_DIR}/api/live_tail/event_stream.cpp
  LIBS nlohmann_json::nlohmann_json ZLIB::ZLIB)
