#include "agent/config.h"

#include <cstdlib>

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <unistd.h>

namespace cwlogd::agent {

HostInfo HostInfo::Detect() {
  HostInfo h;
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) == 0) h.hostname = name;
  // No EC2 instance metadata here: CWLOGD_AGENT_INSTANCE_ID, else the host name.
  const char* id = std::getenv("CWLOGD_AGENT_INSTANCE_ID");
  h.instance_id = (id != nullptr && *id != '\0') ? id : h.hostname;
  struct ifaddrs* list = nullptr;
  if (getifaddrs(&list) == 0) {
    for (struct ifaddrs* it = list; it != nullptr; it = it->ifa_next) {
      if (it->ifa_addr == nullptr || it->ifa_addr->sa_family != AF_INET) continue;
      char buf[INET_ADDRSTRLEN] = {};
      const auto* sin = reinterpret_cast<const sockaddr_in*>(it->ifa_addr);
      if (inet_ntop(AF_INET, &sin->sin_addr, buf, sizeof(buf)) == nullptr) continue;
      const std::string ip = buf;
      if (ip.rfind("127.", 0) == 0 && !h.ip_address.empty()) continue;
      h.ip_address = ip;
      if (ip.rfind("127.", 0) != 0) break;
    }
    freeifaddrs(list);
  }
  if (h.ip_address.empty()) h.ip_address = "127.0.0.1";
  return h;
}

std::string SubstitutePlaceholders(const std::string& text, const HostInfo& host) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    if (text[i] == '{') {
      const size_t end = text.find('}', i);
      if (end != std::string::npos) {
        const std::string key = text.substr(i + 1, end - i - 1);
        const std::string* value = nullptr;
        if (key == "instance_id") value = &host.instance_id;
        if (key == "hostname" || key == "local_hostname") value = &host.hostname;
        if (key == "ip_address") value = &host.ip_address;
        if (value != nullptr) {
          out += *value;
          i = end + 1;
          continue;
        }
      }
    }
    out += text[i++];
  }
  return out;
}

}  // namespace cwlogd::agent
