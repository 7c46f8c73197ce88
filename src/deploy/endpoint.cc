#include "deploy/endpoint.h"

#include <cstdlib>

namespace lmbench::deploy {

core::Result<std::string> normalize_base_url(const std::string& url) {
  std::string u = url;
  const bool http = u.rfind("http://", 0) == 0;
  const bool https = u.rfind("https://", 0) == 0;
  if (!http && !https) {
    return core::Error{"bad_url", "endpoint URL '" + url + "' must start with http:// or https://"};
  }
  const std::size_t host_start = http ? 7 : 8;
  for (;;) {
    while (u.size() > host_start && u.back() == '/') u.pop_back();
    if (u.size() >= host_start + 3 && u.compare(u.size() - 3, 3, "/v1") == 0) {
      u.resize(u.size() - 3);
      continue;
    }
    break;
  }
  if (u.size() == host_start || u[host_start] == '/' || u[host_start] == ':') {
    return core::Error{"bad_url", "endpoint URL '" + url + "' has no host"};
  }
  return u;
}

core::Result<ServingEndpoint> EndpointBaseline::up() {
  auto url = normalize_base_url(options_.base_url);
  if (!url) return url.error();
  ServingEndpoint endpoint{.base_url = *url, .model = options_.model};
  if (!options_.api_key_env.empty()) {
    std::optional<std::string> key;
    if (options_.getenv) {
      key = options_.getenv(options_.api_key_env);
    } else if (const char* v = std::getenv(options_.api_key_env.c_str())) {
      key = v;
    }
    if (!key || key->empty()) {
      return core::Error{"missing_api_key", "the environment variable " + options_.api_key_env +
                                                " (apiKeyEnv) is not set or empty; export the endpoint's API key in it"};
    }
    endpoint.api_key = Secret(std::move(*key));
  }
  return endpoint;
}

core::Result<std::vector<std::filesystem::path>> EndpointBaseline::logs(const std::filesystem::path&, std::string_view) {
  return std::vector<std::filesystem::path>{};
}

}  // namespace lmbench::deploy
