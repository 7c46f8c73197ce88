// Script baselines run real scripts as child processes; every test checks the processes by pid.

#include "deploy/script.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <thread>

#include "core/interrupt.h"
#include "support/deploy_fixture.h"

namespace lmbench::deploy {
namespace {

using namespace std::chrono_literals;
using testing::TempDir;

constexpr const char* kToken = "hf_ScriptTok3nNeverInArgv";

TEST(ScriptBaseline, ScriptThatServesNothingStaysUpUntilDown) {
  TempDir dir("script-up");
  testing::write_script(dir / "serve.sh", "echo \"starting $MODEL_URL on $PORT\"\nwhile :; do sleep 0.05; done\n");
  core::SteadyClock clock;
  const int port = testing::free_port();
  ScriptBaseline b({.script = dir / "serve.sh", .model = "meta-llama/Llama-3.1-8B-Instruct", .port = port,
                    .log_file = dir / "serve.log", .startup_grace = 300ms, .stop_grace = 2s},
                   clock);
  auto e = b.up();
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_EQ(e->base_url, "http://127.0.0.1:" + std::to_string(port));
  EXPECT_EQ(e->model, "meta-llama/Llama-3.1-8B-Instruct");
  EXPECT_FALSE(e->api_key.has_value());
  ASSERT_TRUE(b.pid().has_value());
  const pid_t pid = *b.pid();
  EXPECT_TRUE(testing::alive(pid));
  EXPECT_FALSE(b.failure().has_value());

  auto logs = b.logs(dir / "pod-logs", "flat_vllm_synthetic_0.7");
  ASSERT_TRUE(logs.ok()) << logs.error().message;
  ASSERT_EQ(logs->size(), 1u);
  EXPECT_EQ((*logs)[0], dir / "pod-logs" / "serve_flat_vllm_synthetic_0.7.log");
  EXPECT_NE(testing::read_text((*logs)[0]).find("starting meta-llama/Llama-3.1-8B-Instruct on " + std::to_string(port)),
            std::string::npos);

  EXPECT_FALSE(b.down().has_value());
  EXPECT_TRUE(testing::gone_within(pid, 1000));
  EXPECT_TRUE(testing::group_gone_within(pid, 1000));
  EXPECT_FALSE(b.down().has_value());  // idempotent
}

TEST(ScriptBaseline, UpReturnsAsSoonAsThePortListens) {
  TempDir dir("script-listen");
  testing::write_script(dir / "serve.sh",
                        "exec node -e 'require(\"net\").createServer(c => c.end()).listen(Number(process.env.PORT), \"127.0.0.1\")'\n");
  core::SteadyClock clock;
  ScriptBaseline b({.script = dir / "serve.sh", .model = "m", .port = testing::free_port(), .log_file = dir / "log",
                    .startup_grace = 60s},
                   clock);
  const auto start = std::chrono::steady_clock::now();
  auto e = b.up();
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_LT(std::chrono::steady_clock::now() - start, 20s);
  const pid_t pid = *b.pid();
  b.down();
  EXPECT_TRUE(testing::gone_within(pid, 1000));
}

TEST(ScriptBaseline, ScriptThatDiesDuringStartUpIsReportedWithItsLogTail) {
  TempDir dir("script-dies");
  testing::write_script(dir / "vllm.sh", "echo 'loading weights'\necho 'torch.OutOfMemoryError: CUDA out of memory' >&2\nexit 3\n");
  core::SteadyClock clock;
  ScriptBaseline b({.script = dir / "vllm.sh", .model = "m", .port = testing::free_port(), .log_file = dir / "log",
                    .startup_grace = 10s},
                   clock);
  const auto start = std::chrono::steady_clock::now();
  auto e = b.up();
  ASSERT_FALSE(e.ok());
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);  // noticed at once, not after the grace
  EXPECT_EQ(e.error().kind, "exited");
  EXPECT_NE(e.error().message.find("exited with status 3 during start-up"), std::string::npos) << e.error().message;
  EXPECT_NE(e.error().message.find("loading weights\ntorch.OutOfMemoryError: CUDA out of memory"), std::string::npos)
      << e.error().message;
  EXPECT_EQ(b.exit_status(), 3);
  EXPECT_FALSE(b.down().has_value());
}

TEST(ScriptBaseline, ScriptThatDiesLaterIsReportedByFailure) {
  TempDir dir("script-dies-later");
  testing::write_script(dir / "s.sh", "sleep 0.4\necho 'engine core died'\nexit 1\n");
  core::SteadyClock clock;
  ScriptBaseline b({.script = dir / "s.sh", .model = "m", .port = testing::free_port(), .log_file = dir / "log",
                    .startup_grace = 100ms},
                   clock);
  ASSERT_TRUE(b.up().ok());
  EXPECT_FALSE(b.failure().has_value());
  std::optional<core::Error> failure;
  for (int i = 0; i < 300 && !failure; ++i) {
    std::this_thread::sleep_for(10ms);
    failure = b.failure();
  }
  ASSERT_TRUE(failure.has_value());
  EXPECT_EQ(failure->kind, "exited");
  EXPECT_NE(failure->message.find("engine core died"), std::string::npos);
}

TEST(ScriptBaseline, ScriptIgnoringSigtermIsKilledAfterTheGrace) {
  TempDir dir("script-stubborn");
  const auto ready = dir / "ready";
  testing::write_script(dir / "stubborn.sh",
                        "trap '' TERM\necho yes > " + ready.string() + "\nwhile :; do sleep 0.05; done\n");
  core::SteadyClock clock;
  ScriptBaseline b({.script = dir / "stubborn.sh", .model = "m", .port = testing::free_port(), .log_file = dir / "log",
                    .startup_grace = 100ms, .stop_grace = 500ms},
                   clock);
  ASSERT_TRUE(b.up().ok());
  ASSERT_TRUE(testing::wait_for_file(ready, 5000));
  const pid_t pid = *b.pid();
  const auto start = std::chrono::steady_clock::now();
  b.down();
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_GE(took, 500ms);  // SIGTERM was ignored for the whole grace
  EXPECT_LT(took, 5s);
  EXPECT_EQ(b.exit_status(), 128 + SIGKILL);
  EXPECT_TRUE(testing::gone_within(pid, 1000));
  EXPECT_TRUE(testing::group_gone_within(pid, 1000));
}

TEST(ScriptBaseline, TokenInTheEnvironmentOfEveryChildNeverOnACommandLine) {
  TempDir dir("script-token");
  const auto ready = dir / "ready";
  // The script starts a child of its own, as a real launcher does.
  testing::write_script(dir / "launch.sh", "sleep 30 &\necho started > " + ready.string() + "\nwait\n");
  core::SteadyClock clock;
  const int port = testing::free_port();
  ScriptBaseline b({.script = dir / "launch.sh", .model = "meta-llama/Llama-3.1-8B-Instruct", .port = port,
                    .hf_token = Secret(kToken), .env = {{"ACCELERATOR_TYPE", "H100"}}, .log_file = dir / "log",
                    .startup_grace = 100ms},
                   clock);
  ASSERT_TRUE(b.up().ok());
  ASSERT_TRUE(testing::wait_for_file(ready, 5000));
  const pid_t pid = *b.pid();
  const auto group = testing::processes_in_group(pid);
  ASSERT_GE(group.size(), 2u);  // the script and its sleep
  for (const pid_t p : group) {
    const std::string cmdline = testing::proc_file(p, "cmdline");
    const std::string environ = testing::proc_file(p, "environ");
    ASSERT_FALSE(cmdline.empty());
    EXPECT_EQ(cmdline.find(kToken), std::string::npos) << "pid " << p << ": " << cmdline;
    EXPECT_NE(environ.find(std::string("\nHF_TOKEN=") + kToken + "\n"), std::string::npos) << "pid " << p;
    EXPECT_NE(environ.find("\nMODEL_URL=meta-llama/Llama-3.1-8B-Instruct\n"), std::string::npos);
    EXPECT_NE(environ.find("\nPORT=" + std::to_string(port) + "\n"), std::string::npos);
    EXPECT_NE(environ.find("\nACCELERATOR_TYPE=H100\n"), std::string::npos);
  }
  b.down();
  for (const pid_t p : group) EXPECT_TRUE(testing::gone_within(p, 1000)) << p;
}

TEST(ScriptBaseline, SavedLogsAndFailureMessagesRedactTheToken) {
  TempDir dir("script-redact");
  testing::write_script(dir / "leaky.sh", "echo \"token is $HF_TOKEN\"\nexit 1\n");
  core::SteadyClock clock;
  ScriptBaseline b({.script = dir / "leaky.sh", .model = "m", .port = testing::free_port(), .hf_token = Secret(kToken),
                    .log_file = dir / "log", .startup_grace = 5s},
                   clock);
  auto e = b.up();
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().message.find(kToken), std::string::npos);
  EXPECT_NE(e.error().message.find("token is <redacted>"), std::string::npos);
  auto logs = b.logs(dir / "out", "tag");
  ASSERT_TRUE(logs.ok());
  const std::string saved = testing::read_text((*logs)[0]);
  EXPECT_EQ(saved.find(kToken), std::string::npos);
  EXPECT_NE(saved.find("token is <redacted>"), std::string::npos);
}

TEST(ScriptBaseline, PortAlreadyInUseAndMissingScriptAreFailures) {
  TempDir dir("script-port");
  testing::write_script(dir / "s.sh", "sleep 30\n");
  core::SteadyClock clock;
  // Something already listens on the port: the benchmark would measure it instead.
  testing::write_script(dir / "listener.sh",
                        "exec node -e 'require(\"net\").createServer(c => c.end()).listen(Number(process.env.PORT), \"127.0.0.1\")'\n");
  const int port = testing::free_port();
  ScriptBaseline listener({.script = dir / "listener.sh", .model = "m", .port = port, .startup_grace = 30s}, clock);
  ASSERT_TRUE(listener.up().ok());
  ScriptBaseline b({.script = dir / "s.sh", .model = "m", .port = port, .startup_grace = 100ms}, clock);
  auto e = b.up();
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().kind, "port_in_use");
  EXPECT_FALSE(b.pid().has_value());

  ScriptBaseline missing({.script = dir / "nope.sh", .model = "m", .port = testing::free_port()}, clock);
  auto m = missing.up();
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().kind, "missing_script");
  EXPECT_NE(m.error().message.find("nope.sh"), std::string::npos);
}

TEST(ScriptBaseline, DestructorTearsDown) {
  TempDir dir("script-dtor");
  testing::write_script(dir / "s.sh", "while :; do sleep 0.05; done\n");
  core::SteadyClock clock;
  pid_t pid = 0;
  {
    ScriptBaseline b({.script = dir / "s.sh", .model = "m", .port = testing::free_port(), .startup_grace = 100ms,
                      .stop_grace = 1s},
                     clock);
    ASSERT_TRUE(b.up().ok());
    pid = *b.pid();
    EXPECT_TRUE(testing::alive(pid));
  }
  EXPECT_TRUE(testing::gone_within(pid, 1000));
}

// Ctrl-C during the start-up wait: up() gives up at once and down() still stops the script.
// A death test, because core::request_stop() cannot be undone within a process.
TEST(ScriptBaselineDeathTest, InterruptDuringStartUpStillStopsTheScript) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  // The work runs in a function so that its temporary folder is removed before exit().
  const auto interrupted_run = []() -> std::string {
    TempDir dir("script-interrupt");
    testing::write_script(dir / "slow.sh", "while :; do sleep 0.05; done\n");
    core::SteadyClock clock;
    ScriptBaseline b({.script = dir / "slow.sh", .model = "m", .port = testing::free_port(), .startup_grace = 60s}, clock);
    std::thread ctrl_c([] {
      std::this_thread::sleep_for(300ms);
      core::request_stop();
    });
    const auto start = std::chrono::steady_clock::now();
    auto e = b.up();
    ctrl_c.join();
    const bool quick = std::chrono::steady_clock::now() - start < 10s;
    const pid_t pid = b.pid().value_or(0);
    b.down();
    const bool stopped = pid > 0 && testing::gone_within(pid, 2000);
    return "kind=" + (e.ok() ? std::string("ok") : e.error().kind) + " quick=" + std::to_string(quick) +
           " stopped=" + std::to_string(stopped);
  };
  EXPECT_EXIT(
      {
        std::fprintf(stderr, "%s\n", interrupted_run().c_str());
        std::exit(0);
      },
      ::testing::ExitedWithCode(0), "kind=interrupted quick=1 stopped=1");
}

}  // namespace
}  // namespace lmbench::deploy
