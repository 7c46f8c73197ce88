#pragma once
// Absolute http:// and https:// URLs, parsed once (the runner parses its base URL once and
// sends thousands of requests to it).

#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.h"

namespace lmbench::http {

struct Url {
  bool tls = false;          // https
  std::string host;          // without brackets for IPv6 literals
  std::uint16_t port = 0;    // explicit or the scheme's default (80, 443)
  std::string target = "/";  // path and query, always starting with '/'

  // "host" or "host:port" as sent in the Host header (port left out when it is the default).
  std::string host_header() const;
  // "http://host:port": the key of a connection pool.
  std::string origin() const;
  // This URL with `path` appended to its target, e.g. base "http://h:8000/" + "v1/models".
  // Exactly one '/' joins them.
  Url with_path(std::string_view path) const;

  // Errors have kind "invalid_url" and say what is wrong with which input.
  static core::Result<Url> parse(std::string_view text);
};

}  // namespace lmbench::http
