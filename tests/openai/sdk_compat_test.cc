// The official OpenAI SDK (node, from npm) against the project's OpenAI server pieces: what the
// simulator will serve must read correctly in the client real users run.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "openai/fake_openai.h"

namespace lmbench::openai {
namespace {

constexpr const char* kScript = R"JS(
const OpenAI = require(process.argv[2]);
const client = new OpenAI({ baseURL: process.argv[3], apiKey: 'sk-test', maxRetries: 0 });
(async () => {
  const out = {};
  let text = '', usage = null;
  for await (const c of await client.completions.create({ model: 'base-model', prompt: 'hi', max_tokens: 4,
      stream: true, stream_options: { include_usage: true } })) {
    if (c.choices.length) text += c.choices[0].text;
    if (c.usage) usage = c.usage;
  }
  out.completion = { text, usage };
  text = ''; usage = null;
  let finish = null;
  for await (const c of await client.chat.completions.create({ model: 'base-model', max_tokens: 4,
      messages: [{ role: 'user', content: 'hi' }], stream: true, stream_options: { include_usage: true } })) {
    if (c.choices.length && c.choices[0].delta.content) text += c.choices[0].delta.content;
    if (c.choices.length && c.choices[0].finish_reason) finish = c.choices[0].finish_reason;
    if (c.usage) usage = c.usage;
  }
  out.chat = { text, usage, finish };
  try {
    await client.chat.completions.create({ model: 'busy', messages: [{ role: 'user', content: 'x' }] });
  } catch (e) {
    out.error = { status: e.status, message: e.error && e.error.message, type: e.error && e.error.type };
  }
  out.models = (await client.models.list()).data.map(m => m.id);
  console.log(JSON.stringify(out));
})().catch(e => { console.error(e); process.exit(1); });
)JS";

TEST(OpenAiSdk, ReadsWhatOurServerPiecesProduce) {
  const std::filesystem::path sdk = std::filesystem::path(LMBENCH_NPM_DIR) / "openai";
  ASSERT_TRUE(std::filesystem::exists(sdk)) << "npm package 'openai' not installed (scripts/setup.sh)";
  ASSERT_EQ(std::system("node --version >/dev/null 2>&1"), 0) << "node not installed";
  FakeOpenAi server;
  const std::filesystem::path script = std::filesystem::temp_directory_path() /
                                       ("lmbench-sdk-" + std::to_string(::getpid()) + ".js");
  std::ofstream(script) << kScript;
  const std::string cmd = "node " + script.string() + " " + sdk.string() + " http://127.0.0.1:" +
                          std::to_string(server.url().port) + "/v1 2>&1";
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  const int status = ::pclose(p);
  std::filesystem::remove(script);
  ASSERT_EQ(status, 0) << out;
  const auto j = nlohmann::json::parse(out);
  EXPECT_EQ(j["completion"]["text"], "Hello from the server");
  EXPECT_EQ(j["completion"]["usage"]["completion_tokens"], 4);
  EXPECT_EQ(j["chat"]["text"], "Hello from the server");
  EXPECT_EQ(j["chat"]["finish"], "length");
  EXPECT_EQ(j["chat"]["usage"]["total_tokens"], 11);
  EXPECT_EQ(j["error"]["status"], 429);
  EXPECT_EQ(j["error"]["message"], "too many requests");
  EXPECT_EQ(j["error"]["type"], "rate_limit_error");
  EXPECT_EQ(j["models"], nlohmann::json::array({"base-model", "lora-a"}));
}

}  // namespace
}  // namespace lmbench::openai
