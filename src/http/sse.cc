#include "http/sse.h"

namespace lmbench::http {

void append_sse_event(std::string& out, std::string_view data, std::string_view event) {
  if (!event.empty()) {
    out.append("event: ");
    out.append(event);
    out.push_back('\n');
  }
  std::size_t pos = 0;
  while (true) {
    const std::size_t eol = data.find_first_of("\r\n", pos);
    out.append("data: ");
    if (eol == std::string_view::npos) {
      out.append(data.substr(pos));
      out.push_back('\n');
      break;
    }
    out.append(data.substr(pos, eol - pos));
    out.push_back('\n');
    pos = (data[eol] == '\r' && eol + 1 < data.size() && data[eol + 1] == '\n') ? eol + 2 : eol + 1;
  }
  out.push_back('\n');
}

std::string sse_event(std::string_view data, std::string_view event) {
  std::string out;
  out.reserve(data.size() + event.size() + 16);
  append_sse_event(out, data, event);
  return out;
}

std::string sse_comment(std::string_view text) {
  std::string out = ": ";
  for (char c : text) out.push_back(c == '\n' || c == '\r' ? ' ' : c);
  out.append("\n\n");
  return out;
}

}  // namespace lmbench::http
