#pragma once
// URL query strings (application/x-www-form-urlencoded) for the dashboard's GET /api/... calls.

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"

namespace lmbench::dashboard {

// Percent-decodes and turns '+' into ' '. Errors (kind "query") on a malformed escape.
core::Result<std::string> url_decode(std::string_view text);

// Percent-encodes everything but unreserved characters (RFC 3986).
std::string url_encode(std::string_view text);

// "a=1&b=x%20y" -> {a: "1", b: "x y"}; a repeated name keeps its last value.
core::Result<std::map<std::string, std::string>> parse_query(std::string_view query);

}  // namespace lmbench::dashboard
