// find_header (client.h) lives apart from the Beast client so that code which only reads
// response heads (openai/stream.cc, the fuzz harnesses) links without compiling Beast.
#include "http/client.h"

namespace lmbench::http {

namespace {
char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
}  // namespace

std::string_view find_header(const Headers& headers, std::string_view name) {
  for (const auto& [k, v] : headers) {
    if (k.size() != name.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < k.size() && same; ++i) same = lower(k[i]) == lower(name[i]);
    if (same) return v;
  }
  return {};
}

}  // namespace lmbench::http
