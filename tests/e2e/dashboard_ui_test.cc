// End-to-end: the real `lmbench dashboard` on a temp database, filled by the real `lmbench
// upload`, its UI clicked through in headless Chromium (dashboard_ui.mjs, playwright-core).
// Set LMBENCH_SCREENSHOT_DIR to keep the screenshot.

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <atomic>
#include <functional>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <optional>
#include <string>
#include <vector>

#include "e2e/dashboard_process.h"
#include "e2e/run_binary.h"

namespace lmbench::e2e {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr long kSession0 = 1700000000L;
constexpr long kSession1 = 1700000000L + 86400L;

// Two sessions x two baselines x three QPS, as the original names its files (KEY in the name,
// no "key" field). In the newer session helm_roundrobin got much slower at QPS 0.5.
std::vector<std::string> write_fixtures(const fs::path& dir) {
  std::vector<std::string> files;
  for (int s = 0; s < 2; ++s) {
    const long secs = s ? kSession1 : kSession0;
    const std::string ts = s ? "20231115-2213" : "20231114-2213";
    for (const std::string key : {"helm_kvaware", "helm_roundrobin"}) {
      for (double qps : {0.5, 1.0, 2.0}) {
        double ttft = 100 * qps + (key == "helm_roundrobin" ? 60 : 0) + 5 * s;
        if (s == 1 && key == "helm_roundrobin" && qps == 0.5) ttft *= 3;
        const json doc = {
            {"name", "routing-benchmark"},
            {"lmbench-session-id", fmt::format("lmbench-{}-{:08x}", secs, static_cast<unsigned>(secs))},
            {"timestamp", ts},
            {"results",
             {{"successful_requests", 100},
              {"benchmark_duration_s", 200.0},
              {"total_input_tokens", 100000},
              {"total_generated_tokens", 10000},
              {"request_throughput_req_per_s", qps},
              {"output_token_throughput_tok_per_s", 50 * qps + s},
              {"input_token_throughput_tok_per_s", 500 * qps},
              {"total_token_throughput_tok_per_s", 550 * qps},
              {"ttft_ms", {{"mean", ttft * 0.6}, {"median", ttft * 0.5}, {"p99", ttft}}},
              {"tpot_ms", {{"mean", 12}, {"median", 11}, {"p99", 20}}},
              {"itl_ms", {{"mean", 12}, {"median", 11}, {"p99", 30}}}}},
            {"infra", {{"Location", "Simulated"}}},
            {"serving", {{"baseline_type", "Simulated"}, {"config", json::object()}}},
            {"workload", {{"WORKLOAD", "synthetic"}, {"QPS", qps}, {"NUM_USERS", 10}}},
            // The newer session's helm_kvaware at QPS 1 measured its client, not the server.
            {"validity", {{"verdict", s == 1 && key == "helm_kvaware" && qps == 1.0 ? "invalid" : "valid"},
                          {"reasons", json::array()},
                          {"checks", json::array()}}},
        };
        const fs::path path = dir / fmt::format("{}_synthetic_{}_{}.json", key, qps, ts);
        std::ofstream(path) << doc.dump(2);
        files.push_back(path.string());
      }
    }
  }
  return files;
}

// The capacity found for `key` in session 0 or 1 (write_capacity_file), and its bracket's top.
double fixture_capacity(const std::string& key, int session) {
  return key == "helm_kvaware" ? (session ? 1.2 : 1.0) : (session ? 0.4 : 0.5);
}
double fixture_capacity_upper(const std::string& key, int session) { return fixture_capacity(key, session) * 1.25; }

// <dir>/synthetic_capacity.json of a session (the folder names the suite).
std::string write_capacity_file(const fs::path& dir, int s) {
  fs::create_directories(dir);
  const long secs = s ? kSession1 : kSession0;
  json baselines = json::object();
  for (const std::string key : {"helm_kvaware", "helm_roundrobin"}) {
    baselines[key] = {{"capacity", fixture_capacity(key, s)}, {"status", "found"},
                      {"lower", fixture_capacity(key, s)}, {"upper", fixture_capacity_upper(key, s)},
                      {"precision_reached", 0.25},
                      {"session_id", fmt::format("lmbench-{}-{:08x}", secs, static_cast<unsigned>(secs))},
                      {"timestamp", s ? "20231115-2213" : "20231114-2213"}, {"probes", json::array()}};
  }
  const json doc = {{"workload", "synthetic"}, {"rate_key", "QPS"}, {"unit", "req/s"},
                    {"slo", {{"ttft_ms", 2000}}}, {"goodput", 0.9}, {"precision", 0.1}, {"min_qps", 0.125},
                    {"max_qps", 4}, {"baselines", baselines}};
  const fs::path path = dir / "synthetic_capacity.json";
  std::ofstream(path) << doc.dump(2);
  return path.string();
}

// A chart as drawn (dashboard_ui.mjs `drawn`): tick positions with their printed labels, and the
// markers' centres. Values are read back off the axes, so a marker drawn in the wrong place fails
// whatever the API and the page's data attributes say.
struct DrawnAxis {
  std::vector<std::pair<double, double>> ticks;  // (value of the label, position)
  double position(double value) const {
    const auto& [v0, p0] = ticks.front();
    const auto& [v1, p1] = ticks.back();
    return p0 + (value - v0) * (p1 - p0) / (v1 - v0);
  }
};

DrawnAxis read_axis(const json& ticks) {
  DrawnAxis a;
  for (const auto& t : ticks) {
    std::string label = t[0].is_string() ? t[0].get<std::string>() : "";
    label.erase(std::remove(label.begin(), label.end(), ','), label.end());  // "1,000"
    a.ticks.emplace_back(std::stod(label), t[1].get<double>());
  }
  return a;
}

// The fixture's TTFT p99 of `key` at `qps` in session 0 or 1 (write_fixtures).
double fixture_ttft_p99(const std::string& key, double qps, int session) {
  double ttft = 100 * qps + (key == "helm_roundrobin" ? 60 : 0) + 5 * session;
  if (session == 1 && key == "helm_roundrobin" && qps == 0.5) ttft *= 3;
  return ttft;
}

// Every marker of `drawn` sits at (x_of(point), y_of(point)) on the drawn axes (within half a pixel:
// tick labels are exact round numbers). x_of may be null: only y is checked (date axes).
void expect_drawn_at(const json& drawn, const std::function<double(const json&)>& x_of,
                     const std::function<double(const json&)>& y_of, std::size_t points) {
  const DrawnAxis y = read_axis(drawn["y_ticks"]);
  ASSERT_GE(y.ticks.size(), 2u) << drawn;
  EXPECT_LT(y.ticks.back().second, y.ticks.front().second) << "larger values are drawn higher";
  ASSERT_EQ(drawn["points"].size(), points) << drawn;
  for (const auto& p : drawn["points"]) {
    EXPECT_NEAR(p["cy"].get<double>(), y.position(y_of(p)), 0.5) << p;
  }
  if (!x_of) return;
  const DrawnAxis x = read_axis(drawn["x_ticks"]);
  ASSERT_GE(x.ticks.size(), 2u) << drawn;
  for (const auto& p : drawn["points"]) EXPECT_NEAR(p["cx"].get<double>(), x.position(x_of(p)), 0.5) << p;
}

class DashboardUi : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    dir_ = fs::temp_directory_path() / fmt::format("lmbench-dashboard-e2e-{}-{}", ::getpid(), counter.fetch_add(1));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "results");
  }
  void TearDown() override {
    server_.reset();
    fs::remove_all(dir_);
  }
  std::string start_dashboard() {
    server_.emplace(dir_ / "db.sqlite", dir_ / "dashboard.log");
    return server_->base_url();
  }

  fs::path dir_;
  std::optional<DashboardProcess> server_;
};

TEST_F(DashboardUi, ChartsShowTheUploadedPointsInChromium) {
  const std::string base = start_dashboard();
  std::vector<std::string> args = {"upload"};
  const auto files = write_fixtures(dir_ / "results");
  args.insert(args.end(), files.begin(), files.end());
  args.insert(args.end(), {"--api-url", base + "/upload"});
  const RunResult up = run_lmbench(args);
  ASSERT_EQ(up.exit_code, 0) << up.out << up.err;
  EXPECT_NE(up.out.find("12 stored, 0 duplicate, 0 failed, 0 skipped"), std::string::npos) << up.out;
  for (const auto& f : files) EXPECT_TRUE(fs::exists(f));  // uploads leave the files in place
  // Capacity searches of both sessions, uploaded as `lmbench run --auto-upload` does after each.
  for (int s = 0; s < 2; ++s) {
    const std::string file = write_capacity_file(dir_ / "routing-benchmark", s);
    const RunResult cap = run_lmbench({"upload", file, "--api-url", base + "/upload"});
    ASSERT_EQ(cap.exit_code, 0) << cap.out << cap.err;
  }

  const fs::path shot = dir_ / "dashboard.png";
  const RunResult ui = run_binary("/usr/bin/node", {LMBENCH_SOURCE_DIR "/tests/e2e/dashboard_ui.mjs", LMBENCH_NPM_DIR,
                                                    base, shot.string(), (dir_ / "chromium-profile").string()});
  ASSERT_EQ(ui.exit_code, 0) << ui.out << ui.err;
  const json r = json::parse(ui.out);
  EXPECT_EQ(r["errors"], json::array()) << ui.out;
  EXPECT_EQ(r["offsite"], json::array()) << ui.out;
  EXPECT_EQ(r["suites"], json::array({"routing-benchmark"}));
  EXPECT_EQ(r["workloads"], json::array({"synthetic"}));
  EXPECT_EQ(r["crumbs"], "Suites/routing-benchmark/synthetic");
  EXPECT_EQ(r["legend"], json::array({"helm_kvaware", "helm_roundrobin"}));

  // Metric vs QPS, newest session, TTFT p99 (the default): one marker per key and QPS.
  const json& qps_points = r["qps_points"];
  ASSERT_EQ(qps_points.size(), 6u) << qps_points;
  for (const auto& p : qps_points) {
    EXPECT_EQ(p["session"], fmt::format("lmbench-{}-{:08x}", kSession1, static_cast<unsigned>(kSession1)));
    double want = 100 * p["qps"].get<double>() + (p["key"] == "helm_roundrobin" ? 60 : 0) + 5;
    if (p["key"] == "helm_roundrobin" && p["qps"] == 0.5) want *= 3;
    EXPECT_DOUBLE_EQ(std::stod(p["value"].get<std::string>()), want) << p;
  }
  // ... and each is drawn where the axes put its QPS and its TTFT p99.
  const auto qps_of = [](const json& p) { return p["qps"].get<double>(); };
  expect_drawn_at(
      r["qps_drawn"], qps_of, [](const json& p) { return fixture_ttft_p99(p["key"].get<std::string>(), p["qps"].get<double>(), 1); },
      6);
  // Over time at QPS 0.5: each session's TTFT p99 at its height; the newer session to the right.
  const std::string newer = fmt::format("lmbench-{}-{:08x}", kSession1, static_cast<unsigned>(kSession1));
  const auto session_of = [&](const json& p) { return p["session"] == newer ? 1 : 0; };
  expect_drawn_at(
      r["time_drawn"], nullptr,
      [&](const json& p) { return fixture_ttft_p99(p["key"].get<std::string>(), 0.5, session_of(p)); }, 4);
  for (const auto& a : r["time_drawn"]["points"]) {
    for (const auto& b : r["time_drawn"]["points"]) {
      if (session_of(a) == 0 && session_of(b) == 1) {
        EXPECT_LT(a["cx"].get<double>(), b["cx"].get<double>());
      }
    }
  }
  // Output throughput of the newer session: 50 * QPS + 1 tok/s.
  expect_drawn_at(r["throughput_drawn"], qps_of, [](const json& p) { return 50 * p["qps"].get<double>() + 1; }, 6);
  // The invalid run's point is hollow: white inside, its baseline's colour around.
  int invalid = 0;
  for (const auto& p : qps_points) {
    if (!p["invalid"].get<bool>()) continue;
    ++invalid;
    EXPECT_EQ(p["key"], "helm_kvaware") << p;
    EXPECT_EQ(p["qps"], 1.0) << p;
    EXPECT_EQ(p["fill"], "#fff") << p;
    EXPECT_NE(p["style"].get<std::string>().find("stroke:"), std::string::npos) << p;
  }
  EXPECT_EQ(invalid, 1) << qps_points;
  // Over time at the first QPS (0.5): one marker per key and session; the slowdown is flagged.
  const json& time_points = r["time_points"];
  ASSERT_EQ(time_points.size(), 4u) << time_points;
  int regressed = 0;
  for (const auto& p : time_points) {
    EXPECT_EQ(p["qps"], 0.5);
    if (p["regressed"].get<bool>()) {
      ++regressed;
      EXPECT_EQ(p["key"], "helm_roundrobin");
      EXPECT_DOUBLE_EQ(std::stod(p["value"].get<std::string>()), 3 * 115.0);
    }
  }
  EXPECT_EQ(regressed, 1);
  EXPECT_EQ(r["regression_badges"], json::array({"helm_roundrobin"}));

  // Switching the metric and the session redraws with those values.
  ASSERT_EQ(r["throughput_points"].size(), 6u);
  EXPECT_DOUBLE_EQ(std::stod(r["throughput_points"][2]["value"].get<std::string>()), 50 * 2.0 + 1);
  ASSERT_EQ(r["older_session_points"].size(), 6u);
  EXPECT_DOUBLE_EQ(std::stod(r["older_session_points"][2]["value"].get<std::string>()), 50 * 2.0);
  EXPECT_NE(r["tooltip"].get<std::string>().find("helm_kvaware"), std::string::npos) << r["tooltip"];
  EXPECT_EQ(r["run_dialog"]["workload"]["QPS"], 2.0) << r["run_dialog"];
  EXPECT_EQ(r["run_dialog"]["results"]["ttft_ms"]["p99"], 205.0) << r["run_dialog"];

  // Capacity per baseline over sessions: each marker at its capacity on the drawn axis, each
  // bracket whisker from its lower to its upper rate, the newer session to the right; the
  // roundrobin baseline's drop (0.5 -> 0.4) is flagged; the table holds the latest search.
  ASSERT_TRUE(r.contains("capacity_drawn")) << ui.out;
  expect_drawn_at(
      r["capacity_drawn"], nullptr,
      [&](const json& p) { return fixture_capacity(p["key"].get<std::string>(), session_of(p)); }, 4);
  const DrawnAxis cap_y = read_axis(r["capacity_drawn"]["y_ticks"]);
  ASSERT_EQ(r["capacity_brackets"].size(), 4u) << r["capacity_brackets"];
  for (const auto& b : r["capacity_brackets"]) {
    EXPECT_NEAR(b["y1"].get<double>(), cap_y.position(b["lo"].get<double>()), 0.5) << b;
    EXPECT_NEAR(b["y2"].get<double>(), cap_y.position(b["hi"].get<double>()), 0.5) << b;
    const bool matches_a_search = std::abs(b["hi"].get<double>() - fixture_capacity_upper(b["key"], 0)) < 1e-9 ||
                                  std::abs(b["hi"].get<double>() - fixture_capacity_upper(b["key"], 1)) < 1e-9;
    EXPECT_TRUE(matches_a_search) << b;
  }
  for (const auto& a : r["capacity_drawn"]["points"]) {
    for (const auto& b : r["capacity_drawn"]["points"]) {
      if (session_of(a) == 0 && session_of(b) == 1) {
        EXPECT_LT(a["cx"].get<double>(), b["cx"].get<double>());
      }
    }
  }
  EXPECT_EQ(r["capacity_badges"], json::array({"helm_roundrobin"}));
  ASSERT_EQ(r["capacity_table"].size(), 2u) << r["capacity_table"];
  EXPECT_EQ(r["capacity_table"][0][0], "helm_kvaware");
  EXPECT_EQ(r["capacity_table"][0][1], "1.20 req/s");
  EXPECT_EQ(r["capacity_table"][0][2], "1.20..1.50");

  ASSERT_TRUE(fs::exists(shot));
  EXPECT_GT(fs::file_size(shot), 20'000u);
  if (const char* keep = std::getenv("LMBENCH_SCREENSHOT_DIR")) {
    fs::copy_file(shot, fs::path(keep) / "dashboard_ui.png", fs::copy_options::overwrite_existing);
  }
}

// A point the newer session ran as 3 trials (helm_kvaware at QPS 2: 190, 205, 220): its marker
// at the mean, an error bar over the 95% t-interval whose ends sit at the interval's values on the
// drawn axis, and a tooltip that says so.
TEST_F(DashboardUi, APointOfTrialsHasAnErrorBarOverItsInterval) {
  const std::string base = start_dashboard();
  auto files = write_fixtures(dir_ / "results");
  const auto it = std::find_if(files.begin(), files.end(), [](const std::string& f) {
    return f.find("helm_kvaware_synthetic_2_20231115-2213") != std::string::npos;
  });
  ASSERT_NE(it, files.end());
  const json one = json::parse(std::ifstream(*it));
  fs::remove(*it);
  files.erase(it);
  int trial = 0;
  for (double v : {190.0, 205.0, 220.0}) {
    json doc = one;
    doc["results"]["ttft_ms"]["p99"] = v;
    doc["trial"] = {{"index", ++trial}, {"count", 3}};
    doc["key"] = "helm_kvaware";  // a trial's file name (_HHMM-2.json) does not give its KEY
    const fs::path path = dir_ / "results" /
                          fmt::format("helm_kvaware_synthetic_2_20231115-2213{}.json", trial > 1 ? fmt::format("-{}", trial) : "");
    std::ofstream(path) << doc.dump(2);
    files.push_back(path.string());
  }
  std::vector<std::string> args = {"upload"};
  args.insert(args.end(), files.begin(), files.end());
  args.insert(args.end(), {"--api-url", base + "/upload"});
  const RunResult up = run_lmbench(args);
  ASSERT_EQ(up.exit_code, 0) << up.out << up.err;
  const RunResult ui = run_binary("/usr/bin/node", {LMBENCH_SOURCE_DIR "/tests/e2e/dashboard_ui.mjs", LMBENCH_NPM_DIR,
                                                    base, (dir_ / "shot.png").string(), (dir_ / "profile").string()});
  ASSERT_EQ(ui.exit_code, 0) << ui.out << ui.err;
  const json r = json::parse(ui.out);
  EXPECT_EQ(r["errors"], json::array()) << ui.out;
  // Mean 205; s = 15; half = t(0.975, 2) * 15 / sqrt(3), t = 4.302652729749464 (tables: 4.303).
  const double half = 4.302652729749464 * 15 / std::sqrt(3.0), lo = 205 - half, hi = 205 + half;
  // Every marker still at its value (the trial point at the mean, which is the fixture's 205).
  expect_drawn_at(
      r["qps_drawn"], [](const json& p) { return p["qps"].get<double>(); },
      [](const json& p) { return fixture_ttft_p99(p["key"].get<std::string>(), p["qps"].get<double>(), 1); }, 6);
  ASSERT_EQ(r["qps_errorbars"].size(), 1u) << r["qps_errorbars"];
  const json& bar = r["qps_errorbars"][0];
  EXPECT_EQ(bar["key"], "helm_kvaware");
  EXPECT_DOUBLE_EQ(bar["x"].get<double>(), 2.0);
  EXPECT_NEAR(bar["lo"].get<double>(), lo, 1e-6) << bar;
  EXPECT_NEAR(bar["hi"].get<double>(), hi, 1e-6) << bar;
  const DrawnAxis x = read_axis(r["qps_drawn"]["x_ticks"]);
  const DrawnAxis y = read_axis(r["qps_drawn"]["y_ticks"]);
  EXPECT_NEAR(bar["cx"].get<double>(), x.position(2.0), 0.5) << bar;
  EXPECT_NEAR(bar["y_lo"].get<double>(), y.position(lo), 0.5) << bar;
  EXPECT_NEAR(bar["y_hi"].get<double>(), y.position(hi), 0.5) << bar;
  // The page hovers helm_kvaware at QPS 2: the trial point.
  EXPECT_NE(r["tooltip"].get<std::string>().find("mean of 3 trials [167.7, 242.3]"), std::string::npos)
      << r["tooltip"];
}

// One baseline, one colour on the whole page: a key that only the over-time chart has (it ran in
// the older session only) does not shift the colours of the others between the two charts.
TEST_F(DashboardUi, EachBaselineHasOneColourOnThePage) {
  const std::string base = start_dashboard();
  auto files = write_fixtures(dir_ / "results");
  json extra = json::parse(std::ifstream(files.front()));  // helm_kvaware, older session, QPS 0.5
  extra["key"] = "helm_alpha";
  const fs::path alpha = dir_ / "results" / "helm_alpha_synthetic_0.5_20231114-2213.json";
  std::ofstream(alpha) << extra.dump(2);
  files.push_back(alpha.string());
  std::vector<std::string> args = {"upload"};
  args.insert(args.end(), files.begin(), files.end());
  args.insert(args.end(), {"--api-url", base + "/upload"});
  ASSERT_EQ(run_lmbench(args).exit_code, 0);
  const RunResult ui = run_binary("/usr/bin/node", {LMBENCH_SOURCE_DIR "/tests/e2e/dashboard_ui.mjs", LMBENCH_NPM_DIR,
                                                    base, (dir_ / "shot.png").string(), (dir_ / "profile").string()});
  ASSERT_EQ(ui.exit_code, 0) << ui.out << ui.err;
  const json r = json::parse(ui.out);
  std::map<std::string, std::set<std::string>> colours;
  for (const char* chart : {"qps_points", "time_points"}) {
    for (const auto& p : r[chart]) {
      if (p["invalid"].get<bool>()) continue;  // hollow: white inside, its colour on the outline
      colours[p["key"].get<std::string>()].insert(p["fill"].get<std::string>());
    }
  }
  ASSERT_EQ(colours.size(), 3u) << r.dump();
  EXPECT_EQ(r["legend_colors"]["time"].size(), 3u);
  EXPECT_EQ(r["legend_colors"]["qps"].size(), 2u) << "the newest session has no helm_alpha";
  std::set<std::string> distinct;
  for (const auto& [key, c] : colours) {
    EXPECT_EQ(c.size(), 1u) << key << " is drawn in " << c.size() << " colours";
    distinct.insert(*c.begin());
  }
  EXPECT_EQ(distinct.size(), 3u);
  for (const char* panel : {"qps", "time"}) {
    for (const auto& l : r["legend_colors"][panel]) EXPECT_FALSE(l["color"].get<std::string>().empty()) << l;
  }
}

}  // namespace
}  // namespace lmbench::e2e
