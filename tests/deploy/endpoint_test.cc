#include "deploy/endpoint.h"

#include <gtest/gtest.h>

namespace lmbench::deploy {
namespace {

TEST(NormalizeBaseUrl, DropsSlashesAndV1) {
  EXPECT_EQ(*normalize_base_url("http://127.0.0.1:8000"), "http://127.0.0.1:8000");
  EXPECT_EQ(*normalize_base_url("http://127.0.0.1:8000/"), "http://127.0.0.1:8000");
  EXPECT_EQ(*normalize_base_url("https://api.example.com/v1/"), "https://api.example.com");
  EXPECT_EQ(*normalize_base_url("https://gw.example.com/team/v1"), "https://gw.example.com/team");
  EXPECT_EQ(normalize_base_url("127.0.0.1:8000").error().kind, "bad_url");
  EXPECT_EQ(normalize_base_url("http://").error().kind, "bad_url");
  EXPECT_EQ(normalize_base_url("http:///v1").error().kind, "bad_url");
}

TEST(EndpointBaseline, UpReturnsUrlModelAndKeyFromTheNamedVariable) {
  EndpointBaseline b({.base_url = "http://127.0.0.1:9/v1", .model = "meta-llama/Llama-3.1-8B-Instruct",
                      .api_key_env = "MY_KEY", .getenv = [](const std::string& name) -> std::optional<std::string> {
                        if (name == "MY_KEY") return "sk-secret";
                        return std::nullopt;
                      }});
  EXPECT_EQ(b.kind(), "Endpoint");
  auto e = b.up();
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_EQ(e->base_url, "http://127.0.0.1:9");
  EXPECT_EQ(e->model, "meta-llama/Llama-3.1-8B-Instruct");
  ASSERT_TRUE(e->api_key.has_value());
  EXPECT_EQ(e->api_key->reveal(), "sk-secret");
  EXPECT_FALSE(b.failure().has_value());
  auto logs = b.logs("/nonexistent", "k_synthetic_1");
  ASSERT_TRUE(logs.ok());
  EXPECT_TRUE(logs->empty());
  EXPECT_FALSE(b.down().has_value());
  EXPECT_FALSE(b.down().has_value());
}

TEST(EndpointBaseline, ReadsTheRealEnvironmentByDefault) {
  ::setenv("LMBENCH_DEPLOY_TEST_KEY", "sk-from-env", 1);
  EndpointBaseline b({.base_url = "http://localhost:8000", .model = "m", .api_key_env = "LMBENCH_DEPLOY_TEST_KEY"});
  auto e = b.up();
  ::unsetenv("LMBENCH_DEPLOY_TEST_KEY");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->api_key->reveal(), "sk-from-env");
}

TEST(EndpointBaseline, MissingKeyIsAClearFailureThatNamesTheVariable) {
  EndpointBaseline b({.base_url = "http://localhost:8000", .model = "m", .api_key_env = "LMBENCH_DEPLOY_UNSET_KEY"});
  auto e = b.up();
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().kind, "missing_api_key");
  EXPECT_NE(e.error().message.find("LMBENCH_DEPLOY_UNSET_KEY"), std::string::npos);
}

TEST(EndpointBaseline, NoKeyWhenNoneIsNamed) {
  EndpointBaseline b({.base_url = "http://localhost:8000", .model = "m"});
  auto e = b.up();
  ASSERT_TRUE(e.ok());
  EXPECT_FALSE(e->api_key.has_value());
}

}  // namespace
}  // namespace lmbench::deploy
