// The dashboard's multipart/form-data parser on arbitrary bodies and Content-Type values: parsed
// or refused, never a crash; every part lies inside the body.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "dashboard/multipart.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  // The first line is the Content-Type header value, the rest the body.
  const auto nl = in.find('\n');
  const std::string_view content_type = in.substr(0, nl == std::string_view::npos ? in.size() : nl);
  const std::string_view body = nl == std::string_view::npos ? std::string_view() : in.substr(nl + 1);
  (void)lmbench::dashboard::parse_header_params(content_type);
  const auto boundary = lmbench::dashboard::multipart_boundary(content_type);
  if (!boundary) return 0;
  const auto parts = lmbench::dashboard::parse_multipart(body, *boundary);
  if (!parts) return 0;
  std::size_t total = 0;
  for (const auto& p : *parts) total += p.body.size();
  if (total > body.size()) __builtin_trap();
  return 0;
}
