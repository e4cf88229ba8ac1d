// libFuzzer target for the event-stream decoder (api/live_tail/event_stream.h): any bytes
// decode or fail without reading past the input, and what decodes re-encodes to the same bytes
// when its headers are all strings.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "api/live_tail/event_stream.h"

using cwlogd::api::live_tail::DecodeEventStreamMessage;
using cwlogd::api::live_tail::EventStreamHeader;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  while (!bytes.empty()) {
    auto r = DecodeEventStreamMessage(bytes);
    if (!r.message) break;
    if (r.consumed == 0 || r.consumed > bytes.size()) __builtin_trap();
    const auto& m = *r.message;
    if (m.headers.size() == 3) {
      bool strings = true;
      for (const auto& h : m.headers)
        strings = strings && h.type == EventStreamHeader::Type::kString;
      if (strings) {
        std::string again;
        cwlogd::api::live_tail::AppendEventStreamMessage(&again,
                                                         {{m.headers[0].name, m.headers[0].value},
                                                          {m.headers[1].name, m.headers[1].value},
                                                          {m.headers[2].name, m.headers[2].value}},
                                                         m.payload);
        if (again != bytes.substr(0, r.consumed)) __builtin_trap();
      }
    }
    bytes.remove_prefix(r.consumed);
  }
  return 0;
}
