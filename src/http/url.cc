#include "http/url.h"

#include <boost/url/authority_view.hpp>
#include <boost/url/parse.hpp>
// Boost.URL's sources, compiled here once (Debian ships Boost.URL 1.81 without a library).
#include <boost/url/src.hpp>

#include <charconv>

namespace lmbench::http {

namespace {
core::Error invalid(std::string_view text, std::string_view why) {
  return core::Error{"invalid_url", "invalid URL '" + std::string(text) + "': " + std::string(why)};
}

bool iequals_prefix(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}
}  // namespace

core::Result<Url> Url::parse(std::string_view text) {
  Url url;
  std::string_view rest;
  if (iequals_prefix(text, "http://")) {
    rest = text.substr(7);
  } else if (iequals_prefix(text, "https://")) {
    url.tls = true;
    rest = text.substr(8);
  } else {
    return invalid(text, "expected it to start with http:// or https://");
  }
  // The authority (host and port) goes through Boost.URL's RFC 3986 grammar. The target stays as
  // written, unvalidated: the client sends whatever path and query it is given (tests and the
  // dashboard's clients send malformed ones on purpose); only a fragment is dropped.
  const std::size_t slash = rest.find_first_of("/?#");
  const std::string_view authority = rest.substr(0, slash);
  std::string_view target = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);
  if (const std::size_t hash = target.find('#'); hash != std::string_view::npos) target = target.substr(0, hash);
  const auto parsed = boost::urls::parse_authority(boost::urls::string_view(authority.data(), authority.size()));
  if (!parsed) return invalid(text, "malformed host or port (" + parsed.error().message() + ")");
  const boost::urls::authority_view& a = *parsed;
  if (a.has_userinfo()) return invalid(text, "user information is not supported");
  const auto host = a.encoded_host_address();  // an IPv6 literal without its brackets
  if (host.empty()) return invalid(text, "missing host");
  url.host = std::string(host.data(), host.size());
  if (!a.has_port()) {
    url.port = url.tls ? 443 : 80;
  } else {
    const auto port_text = a.port();
    if (port_text.empty()) return invalid(text, "empty port");
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
    if (ec != std::errc{} || end != port_text.data() + port_text.size() || value == 0 || value > 65535) {
      return invalid(text, "port must be a number from 1 to 65535, found '" + std::string(port_text) + "'");
    }
    url.port = static_cast<std::uint16_t>(value);
  }
  if (target.empty()) {
    url.target = "/";
  } else if (target.front() == '?') {
    url.target = "/" + std::string(target);
  } else {
    url.target = std::string(target);
  }
  return url;
}

std::string Url::host_header() const {
  const bool v6 = host.find(':') != std::string::npos;
  std::string h = v6 ? "[" + host + "]" : host;
  if (port != (tls ? 443 : 80)) h += ":" + std::to_string(port);
  return h;
}

std::string Url::origin() const {
  const bool v6 = host.find(':') != std::string::npos;
  return std::string(tls ? "https://" : "http://") + (v6 ? "[" + host + "]" : host) + ":" +
         std::to_string(port);
}

Url Url::with_path(std::string_view path) const {
  Url out = *this;
  std::string base = target;
  if (const std::size_t q = base.find('?'); q != std::string::npos) base.resize(q);
  while (!base.empty() && base.back() == '/') base.pop_back();
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  out.target = base + "/" + std::string(path);
  return out;
}

}  // namespace lmbench::http
