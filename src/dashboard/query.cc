#include "dashboard/query.h"

#include <boost/url/encode.hpp>
#include <boost/url/parse_query.hpp>
#include <boost/url/pct_string_view.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

namespace lmbench::dashboard {

namespace urls = boost::urls;

namespace {
// application/x-www-form-urlencoded: '+' is a space.
urls::encoding_opts form_encoding() {
  urls::encoding_opts opts;
  opts.space_as_plus = true;
  return opts;
}

urls::string_view view(std::string_view s) { return urls::string_view(s.data(), s.size()); }
}  // namespace

core::Result<std::string> url_decode(std::string_view text) {
  const auto pct = urls::make_pct_string_view(view(text));
  if (!pct) return core::Error{"query", "malformed percent escape in '" + std::string(text) + "'"};
  return pct->decode(form_encoding());
}

std::string url_encode(std::string_view text) { return urls::encode(view(text), urls::unreserved_chars); }

core::Result<std::map<std::string, std::string>> parse_query(std::string_view query) {
  const auto params = urls::parse_query(view(query));
  if (!params) {
    return core::Error{"query", "malformed query '" + std::string(query) + "': " + params.error().message()};
  }
  std::map<std::string, std::string> out;
  for (const auto& p : *params) {
    if (p.key.empty() && !p.has_value) continue;  // "a=1&&b=2", a trailing '&'
    out[p.key.decode(form_encoding())] = p.value.decode(form_encoding());
  }
  return out;
}

}  // namespace lmbench::dashboard
