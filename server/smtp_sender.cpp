#include "server/smtp_sender.h"

#include <chrono>
#include <ctime>
#include <optional>
#include <random>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <sys/time.h>

namespace cwlogd::server {

namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

constexpr int kTimeoutSeconds = 10;
constexpr std::string_view kFrom = "no-reply@sns.amazonaws.com";

std::string Base64(std::string_view data) {
  std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(data.data()),
                                static_cast<int>(data.size()));
  out.resize(n < 0 ? 0 : static_cast<size_t>(n));
  return out;
}

std::optional<SmtpUrl> ParseSmtpUrl(std::string_view url) {
  if (!url.starts_with("smtp://")) return std::nullopt;
  url.remove_prefix(7);
  if (const size_t slash = url.find('/'); slash != std::string_view::npos) {
    url = url.substr(0, slash);
  }
  SmtpUrl out;
  if (const size_t at = url.rfind('@'); at != std::string_view::npos) {
    std::string_view login = url.substr(0, at);
    url.remove_prefix(at + 1);
    const size_t colon = login.find(':');
    out.user = std::string(login.substr(0, colon));
    if (colon != std::string_view::npos) out.password = std::string(login.substr(colon + 1));
  }
  const size_t colon = url.rfind(':');
  out.host = std::string(url.substr(0, colon));
  if (colon != std::string_view::npos) out.port = std::string(url.substr(colon + 1));
  if (out.host.empty() || out.port.empty()) return std::nullopt;
  return out;
}

// A header's text: control characters become spaces (no header injection), and an RFC 2047
// word when it is not plain ASCII.
std::string HeaderText(std::string_view raw) {
  std::string text(raw);
  for (char& c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  }
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) return "=?UTF-8?B?" + Base64(text) + "?=";
  }
  return text;
}

std::string RfcDate() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S +0000", &tm);
  return buf;
}

// One SMTP conversation on a plain or TLS stream.
template <class Stream>
class Conversation {
 public:
  explicit Conversation(Stream& stream) : stream_(stream) {}

  // Reads one (possibly multi-line) reply; its code, or 0 on an I/O error. `text` gets it all.
  int Reply(std::string* text = nullptr) {
    std::string all;
    for (;;) {
      boost::system::error_code ec;
      asio::read_until(stream_, buffer_, "\r\n", ec);
      if (ec) return 0;
      std::istream in(&buffer_);
      std::string line;
      std::getline(in, line);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      all += line + "\n";
      if (line.size() < 4 || line[3] != '-') {
        if (text != nullptr) *text = all;
        return line.size() >= 3 ? std::atoi(line.substr(0, 3).c_str()) : 0;
      }
    }
  }

  int Command(const std::string& line, std::string* text = nullptr) {
    boost::system::error_code ec;
    asio::write(stream_, asio::buffer(line + "\r\n"), ec);
    if (ec) return 0;
    return Reply(text);
  }

  bool Send(std::string_view data) {
    boost::system::error_code ec;
    asio::write(stream_, asio::buffer(data.data(), data.size()), ec);
    return !ec;
  }

 private:
  Stream& stream_;
  asio::streambuf buffer_;
};

class SmtpSender final : public api::sns::MailSender {
 public:
  explicit SmtpSender(SmtpUrl url) : url_(std::move(url)) {
    boost::system::error_code ec;
    tls_.set_default_verify_paths(ec);
    tls_.set_verify_mode(asio::ssl::verify_peer, ec);
  }

  bool Send(const std::string& to, const std::string& from_name, const std::string& subject,
            const std::string& body, std::string* error) override {
    asio::io_context io;
    boost::system::error_code ec;
    tcp::resolver resolver(io);
    auto endpoints = resolver.resolve(url_.host, url_.port, ec);
    if (ec) return Fail(error, "resolve " + url_.host + ": " + ec.message());
    tcp::socket socket(io);
    asio::connect(socket, endpoints, ec);
    if (ec) return Fail(error, "connect " + url_.host + ":" + url_.port + ": " + ec.message());
    timeval tv{kTimeoutSeconds, 0};
    ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    Conversation<tcp::socket> plain(socket);
    std::string ehlo;
    if (plain.Reply() != 220) return Fail(error, "no SMTP greeting from " + url_.host);
    if (plain.Command("EHLO cwlogd", &ehlo) != 250) return Fail(error, "EHLO refused");
    if (ehlo.find("STARTTLS") == std::string::npos) {
      return Deliver(plain, to, from_name, subject, body, error);
    }
    if (plain.Command("STARTTLS") != 220) return Fail(error, "STARTTLS refused");
    asio::ssl::stream<tcp::socket&> secure(socket, tls_);
    SSL_set_tlsext_host_name(secure.native_handle(), url_.host.c_str());
    secure.set_verify_callback(asio::ssl::host_name_verification(url_.host), ec);
    secure.handshake(asio::ssl::stream_base::client, ec);
    if (ec) return Fail(error, "TLS handshake with " + url_.host + ": " + ec.message());
    Conversation<asio::ssl::stream<tcp::socket&>> conversation(secure);
    if (conversation.Command("EHLO cwlogd") != 250) return Fail(error, "EHLO refused after TLS");
    return Deliver(conversation, to, from_name, subject, body, error);
  }

 private:
  static bool Fail(std::string* error, std::string text) {
    *error = "smtp: " + std::move(text);
    return false;
  }

  template <class C>
  bool Deliver(C& c, const std::string& to, const std::string& from_name,
               const std::string& subject, const std::string& body, std::string* error) {
    std::string reply;
    if (!url_.user.empty()) {
      const std::string plain =
          std::string(1, '\0') + url_.user + std::string(1, '\0') + url_.password;
      if (c.Command("AUTH PLAIN " + Base64(plain), &reply) != 235) {
        return Fail(error, "login refused: " + reply);
      }
    }
    if (c.Command("MAIL FROM:<" + std::string(kFrom) + ">", &reply) != 250) {
      return Fail(error, "MAIL FROM refused: " + reply);
    }
    const int rcpt = c.Command("RCPT TO:<" + to + ">", &reply);
    if (rcpt != 250 && rcpt != 251) return Fail(error, "RCPT TO refused: " + reply);
    if (c.Command("DATA", &reply) != 354) return Fail(error, "DATA refused: " + reply);
    std::string message =
        "From: " + HeaderText(from_name) + " <" + std::string(kFrom) + ">\r\nTo: " + to +
        "\r\nSubject: " + HeaderText(subject) + "\r\nDate: " + RfcDate() + "\r\nMessage-ID: <" +
        std::to_string(std::random_device{}()) + "." + std::to_string(std::time(nullptr)) +
        "@sns.cwlogd>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; "
        "charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n";
    const std::string encoded = Base64(body);
    for (size_t i = 0; i < encoded.size(); i += 76) message += encoded.substr(i, 76) + "\r\n";
    message += ".\r\n";  // base64 lines never start with '.': no dot-stuffing needed
    if (!c.Send(message)) return Fail(error, "writing the message failed");
    if (c.Reply(&reply) != 250) return Fail(error, "message refused: " + reply);
    c.Command("QUIT");
    return true;
  }

  SmtpUrl url_;
  asio::ssl::context tls_{asio::ssl::context::tls_client};
};

}  // namespace

std::unique_ptr<api::sns::MailSender> MakeSmtpSender(const std::string& url, std::string* error) {
  std::optional<SmtpUrl> parsed = ParseSmtpUrl(url);
  if (!parsed) {
    *error = "--smtp-url: not smtp://[user:password@]host[:port]: " + url;
    return nullptr;
  }
  return std::make_unique<SmtpSender>(std::move(*parsed));
}

}  // namespace cwlogd::server
