#pragma once
// Endpoint baseline: an OpenAI-compatible server that is already running. Nothing is deployed
// or torn down; up() only checks the URL and reads the API key from the environment.

#include <functional>
#include <optional>
#include <string>

#include "deploy/baseline.h"

namespace lmbench::deploy {

struct EndpointOptions {
  std::string base_url;     // http(s)://host[:port][/prefix]; a trailing "/" or "/v1" is dropped
  std::string model;        // modelURL
  std::string api_key_env;  // apiKeyEnv: name of the variable holding the key; "" for none
  // How environment variables are read; getenv when empty (tests pass their own).
  std::function<std::optional<std::string>(const std::string&)> getenv;
};

// The base URL without trailing slashes and without a final "/v1", or an Error (kind
// "bad_url") when it is not an http:// or https:// URL with a host.
core::Result<std::string> normalize_base_url(const std::string& url);

class EndpointBaseline final : public Baseline {
 public:
  explicit EndpointBaseline(EndpointOptions options) : options_(std::move(options)) {}
  std::string_view kind() const override { return "Endpoint"; }
  core::Result<ServingEndpoint> up() override;
  std::optional<core::Error> failure() override { return std::nullopt; }
  // Nothing runs under lmbench's control, so there is nothing to save: returns no files.
  core::Result<std::vector<std::filesystem::path>> logs(const std::filesystem::path& dir, std::string_view tag) override;
  std::optional<core::Error> down() override { return std::nullopt; }

 private:
  EndpointOptions options_;
};

}  // namespace lmbench::deploy
