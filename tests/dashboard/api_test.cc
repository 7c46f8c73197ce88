// The dashboard's HTTP API through real HTTP on loopback: uploads in both encodings, the ways an
// upload is refused, and the UI's queries returning what was uploaded.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <string>

#include "dashboard/query.h"
#include "dashboard_fixture.h"

namespace lmbench::dashboard::testing {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

json body_of(const http::Response& r) { return json::parse(r.body); }
std::string error_of(const http::Response& r) { return body_of(r)["error"]["message"].get<std::string>(); }

TEST(DashboardApi, UploadsRawJsonAndReportsTheStoredRun) {
  LiveDashboard d;
  const auto r = d.upload_json(make_run_text({.key = "helm_kvaware", .qps = 0.5}));
  ASSERT_EQ(r.status, 201) << r.body;
  const json b = body_of(r);
  EXPECT_EQ(b["status"], "stored");
  EXPECT_GT(b["id"].get<int>(), 0);
  EXPECT_EQ(b["suite"], "routing-benchmark");
  EXPECT_EQ(b["key"], "helm_kvaware");
  EXPECT_EQ(b["workload"], "synthetic");
  EXPECT_DOUBLE_EQ(b["qps"].get<double>(), 0.5);
}

TEST(DashboardApi, UploadsMultipartFileFieldAndTakesTheKeyFromItsFileName) {
  LiveDashboard d;
  // No "key" field: the original's files carry the KEY in their name only.
  const std::string text = make_run_text({.key = "", .qps = 1});
  const auto r = d.upload_multipart(text, "/home/ci/results/helm_roundrobin_synthetic_1_20231114-2213.json");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(body_of(r)["key"], "helm_roundrobin");
  // The stored document is the uploaded part's bytes exactly.
  const auto doc = d.get("/api/runs/" + std::to_string(body_of(r)["id"].get<int>()));
  ASSERT_EQ(doc.status, 200);
  EXPECT_EQ(doc.body, text);
}

TEST(DashboardApi, AcceptsMultipartWithOtherFieldsPreambleAndQuotedBoundary) {
  LiveDashboard d;
  const std::string text = make_run_text({.qps = 2});
  const std::string body =
      "preamble to ignore\r\n"
      "--b\"x\r\n"
      "Content-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n"
      "--b\"x\r\n"
      "content-disposition: form-data; filename=\"a \\\"q\\\".json\"; name=file\r\n"
      "Content-Type: application/json\r\n\r\n" +
      text + "\r\n--b\"x--\r\nepilogue";
  // A boundary with a quote must itself be quoted... and RFC 2046 forbids '"' in boundaries:
  const auto bad = d.post("/upload", body, "multipart/form-data; boundary=\"b\\\"x\"");
  EXPECT_EQ(bad.status, 400);
  EXPECT_THAT(error_of(bad), HasSubstr("invalid multipart boundary"));
  std::string ok_body = body;
  for (std::size_t p; (p = ok_body.find("--b\"x")) != std::string::npos;) ok_body.replace(p, 5, "--b=x");
  const auto ok = d.post("/upload", ok_body, "Multipart/Form-Data; charset=utf-8; boundary=\"b=x\"");
  ASSERT_EQ(ok.status, 201) << ok.body;
}

TEST(DashboardApi, SecondUploadOfTheSameRunIsADuplicateWithTheSameId) {
  LiveDashboard d;
  const json doc = make_run({.qps = 0.5});
  const auto first = d.upload_json(doc.dump());
  ASSERT_EQ(first.status, 201);
  // Same run, other formatting and encoding: still a duplicate.
  const auto second = d.upload_multipart(doc.dump(4));
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(body_of(second)["status"], "duplicate");
  EXPECT_EQ(body_of(second)["id"], body_of(first)["id"]);
  EXPECT_EQ(body_of(d.get("/api/suites"))[0]["runs"], 1);
}

TEST(DashboardApi, SameRunIdentityWithOtherContentIsAConflict) {
  LiveDashboard d;
  ASSERT_EQ(d.upload_json(make_run_text({.ttft_p99 = 200})).status, 201);
  const auto r = d.upload_json(make_run_text({.ttft_p99 = 999}));
  EXPECT_EQ(r.status, 409) << r.body;
}

TEST(DashboardApi, MalformedJsonIs400WithWhere) {
  LiveDashboard d;
  const auto r = d.upload_json("{\"name\": \"x\",\n \"results\": ");
  ASSERT_EQ(r.status, 400);
  EXPECT_THAT(error_of(r), HasSubstr("line 2"));
  EXPECT_EQ(body_of(r)["error"]["type"], "invalid_run_json");
  const auto empty = d.upload_json("");
  EXPECT_EQ(empty.status, 400);
  EXPECT_THAT(error_of(empty), HasSubstr("empty upload"));
}

TEST(DashboardApi, WrongSchemaIs400NamingTheField) {
  LiveDashboard d;
  json doc = make_run({});
  doc["results"]["ttft_ms"]["p99"] = "fast";
  const auto r = d.upload_json(doc.dump());
  ASSERT_EQ(r.status, 400);
  EXPECT_THAT(error_of(r), HasSubstr("results.ttft_ms.p99"));
  json no_name = make_run({});
  no_name.erase("name");
  const auto r2 = d.upload_multipart(no_name.dump());
  ASSERT_EQ(r2.status, 400);
  EXPECT_THAT(error_of(r2), HasSubstr("name"));
  EXPECT_EQ(body_of(d.get("/api/suites")).size(), 0u);
}

// A run JSON that nests arrays a million levels deep under a key nothing reads. Stored, it
// would overflow the dashboard's stack when the same run is uploaded again (the documents are
// compared recursively): refused at ingest, in either encoding, and the dashboard goes on.
TEST(DashboardApi, NestingDeeperThan64LevelsIs400AndTheDashboardGoesOn) {
  LiveDashboard d;
  std::string text = make_run(RunDoc{}).dump();
  constexpr std::size_t kLevels = 1'000'000;
  text.pop_back();  // the closing '}'
  text += ",\"ignored\":" + std::string(kLevels, '[') + std::string(kLevels, ']') + "}";
  ASSERT_TRUE(json::accept(text));
  const auto r = d.upload_json(text);
  ASSERT_EQ(r.status, 400) << r.body.substr(0, 300);
  EXPECT_EQ(error_of(r), "arrays and objects nested deeper than 64 levels at line 1, column " +
                             std::to_string(text.find('[', text.find("\"ignored\"")) + 64));
  EXPECT_EQ(body_of(r)["error"]["type"], "invalid_run_json");
  const auto again = d.upload_multipart(text, "helm_kvaware_synthetic_0.5_20231114-2213.json");
  ASSERT_EQ(again.status, 400) << again.body.substr(0, 300);
  // 64 levels are fine ('[' inside a string is not nesting), and the dashboard is still up.
  json ok = make_run(RunDoc{});
  ok["ignored"] = json::parse(std::string(63, '[') + "\"[[[[\"" + std::string(63, ']'));
  EXPECT_EQ(d.upload_json(ok.dump()).status, 201);
  EXPECT_EQ(d.upload_json(ok.dump()).status, 200);
  EXPECT_EQ(d.get("/health").status, 200);
}

TEST(DashboardApi, MultipartWithoutFileFieldOrCloseIs400AndOtherMediaIs415) {
  LiveDashboard d;
  const auto no_file = d.post("/upload", "--B\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\n{}\r\n--B--\r\n",
                              "multipart/form-data; boundary=B");
  EXPECT_EQ(no_file.status, 400);
  EXPECT_THAT(error_of(no_file), HasSubstr("'file'"));
  const auto unclosed = d.post("/upload", "--B\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\n{}",
                               "multipart/form-data; boundary=B");
  EXPECT_EQ(unclosed.status, 400);
  EXPECT_THAT(error_of(unclosed), HasSubstr("closing"));
  const auto no_boundary = d.post("/upload", "x", "multipart/form-data");
  EXPECT_EQ(no_boundary.status, 400);
  const auto xml = d.post("/upload", "<run/>", "application/xml");
  EXPECT_EQ(xml.status, 415);
}

TEST(DashboardApi, OversizedBodyIs413AndNothingIsStored) {
  LiveDashboard d({.max_body_bytes = 16 * 1024});
  json doc = make_run({});
  doc["padding"] = std::string(20 * 1024, 'x');
  const auto r = d.upload_json(doc.dump());
  EXPECT_EQ(r.status, 413) << r.body;
  // Just under the limit is fine.
  json small = make_run({});
  small["padding"] = std::string(8 * 1024, 'x');
  EXPECT_EQ(d.upload_json(small.dump()).status, 201);
  EXPECT_EQ(body_of(d.get("/api/suites"))[0]["runs"], 1);
}

TEST(DashboardApi, TokenIsRequiredForUploadsWhenSet) {
  LiveDashboard d({.upload_token = "s3cret-token"});
  const std::string text = make_run_text({});
  const auto missing = d.upload_json(text);
  EXPECT_EQ(missing.status, 401);
  EXPECT_EQ(http::find_header(missing.headers, "WWW-Authenticate"), "Bearer realm=\"lmbench-dashboard\"");
  const auto wrong = d.upload_json(text, "s3cret-tokeN");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_THAT(error_of(wrong), HasSubstr("wrong"));
  EXPECT_EQ(d.upload_multipart(text, "run.json", "s3cret-token-and-more").status, 401);
  EXPECT_EQ(d.post("/upload", text, "application/json", "").status, 401);
  EXPECT_EQ(body_of(d.get("/api/suites")).size(), 0u);
  EXPECT_EQ(d.upload_multipart(text, "run.json", "s3cret-token").status, 201);
  // Reading needs no token.
  EXPECT_EQ(d.get("/api/suites").status, 200);
}

TEST(DashboardApi, SqlMetacharactersInEveryFieldRoundTrip) {
  LiveDashboard d;
  const std::string evil = "x'); DROP TABLE runs;--";
  RunDoc doc{.suite = evil, .session_id = "lmbench-1700000000-" + evil, .key = "k\"'%_;--" + evil,
             .workload = "w' OR '1'='1"};
  ASSERT_EQ(d.upload_json(make_run_text(doc)).status, 201);
  RunDoc other = doc;
  other.suite = "plain";
  other.workload = "synthetic";
  ASSERT_EQ(d.upload_json(make_run_text(other)).status, 201);

  const json suites = body_of(d.get("/api/suites"));
  ASSERT_EQ(suites.size(), 2u);
  EXPECT_EQ(suites[1]["suite"], "x'); DROP TABLE runs;--");
  const std::string s = url_encode(doc.suite), w = url_encode(doc.workload);
  const json workloads = body_of(d.get("/api/workloads?suite=" + s));
  ASSERT_EQ(workloads.size(), 1u);
  EXPECT_EQ(workloads[0]["workload"], doc.workload);
  const json sessions = body_of(d.get("/api/sessions?suite=" + s + "&workload=" + w));
  ASSERT_EQ(sessions.size(), 1u);
  EXPECT_EQ(sessions[0]["session_id"], doc.session_id);
  EXPECT_EQ(body_of(d.get("/api/keys?suite=" + s + "&workload=" + w)), json::array({doc.key}));
  const json series = body_of(
      d.get("/api/series/qps?suite=" + s + "&workload=" + w + "&metric=ttft_p99&session=" + url_encode(doc.session_id)));
  ASSERT_EQ(series["lines"].size(), 1u);
  EXPECT_EQ(series["lines"][0]["key"], doc.key);
  // A LIKE wildcard matches nothing it should not: '%' is a value, not a pattern.
  EXPECT_EQ(body_of(d.get("/api/workloads?suite=%25")).size(), 0u);
  EXPECT_EQ(body_of(d.get("/api/suites")).size(), 2u);

  // The error texts of a failed run (stored in the indexed error column) come back as written.
  RunDoc failed = doc;
  failed.qps = 1;
  failed.failed = true;
  json failed_run = make_run(failed);
  failed_run["results"]["error"] = evil;
  failed_run["results"]["message"] = "m\"'; DELETE FROM runs WHERE '1'='1";
  const auto up = d.upload_json(failed_run.dump(2));
  ASSERT_EQ(up.status, 201) << up.body;
  const auto id = json::parse(up.body)["id"].get<std::int64_t>();
  EXPECT_EQ(body_of(d.get("/api/runs/" + std::to_string(id))), failed_run);
  const json with_failed = body_of(
      d.get("/api/series/qps?suite=" + s + "&workload=" + w + "&metric=ttft_p99&session=" + url_encode(doc.session_id)));
  ASSERT_EQ(with_failed["lines"].size(), 1u);

  // A run without a "key" takes it from the file name: a hostile file name is a value too.
  RunDoc nameless = other;
  nameless.key = "";
  nameless.qps = 2;
  const std::string hostile_key = "n'); DELETE FROM runs;--";
  const auto named = d.upload_multipart(make_run_text(nameless), hostile_key + "_synthetic_2_20231114-2213.json");
  ASSERT_EQ(named.status, 201) << named.body;
  const json keys = body_of(d.get("/api/keys?suite=plain&workload=synthetic"));
  EXPECT_NE(std::find(keys.begin(), keys.end(), json(hostile_key)), keys.end()) << keys.dump();
  EXPECT_EQ(body_of(d.get("/api/suites")).size(), 2u);
}

// Two sessions, two baselines, three QPS: what the UI asks for comes back as uploaded.
class DashboardQueries : public ::testing::Test {
 protected:
  void SetUp() override {
    for (int session = 0; session < 2; ++session) {
      for (const std::string key : {"helm_kvaware", "helm_roundrobin"}) {
        for (double qps : {0.5, 1.0, 2.0}) {
          const double ttft = 100 * qps + (key == "helm_roundrobin" ? 50 : 0) + session * 10;
          const auto r = d_.upload_json(make_run_text({.session_secs = 1700000000 + session * 86400,
                                                       .timestamp = session ? "20231115-2213" : "20231114-2213",
                                                       .key = key,
                                                       .qps = qps,
                                                       .ttft_p99 = ttft}));
          ASSERT_EQ(r.status, 201) << r.body;
        }
      }
    }
    ASSERT_EQ(d_.upload_json(make_run_text({.workload = "trace_replayer"})).status, 201);
  }
  LiveDashboard d_;
};

TEST_F(DashboardQueries, ListsSuitesWorkloadsSessionsKeysAndQps) {
  const json suites = body_of(d_.get("/api/suites"));
  ASSERT_EQ(suites.size(), 1u);
  EXPECT_EQ(suites[0]["suite"], "routing-benchmark");
  EXPECT_EQ(suites[0]["workloads"], 2);
  EXPECT_EQ(suites[0]["runs"], 13);
  const json workloads = body_of(d_.get("/api/workloads?suite=routing-benchmark"));
  ASSERT_EQ(workloads.size(), 2u);
  EXPECT_EQ(workloads[0]["workload"], "synthetic");
  EXPECT_EQ(workloads[0]["runs"], 12);
  const json sessions = body_of(d_.get("/api/sessions?suite=routing-benchmark&workload=synthetic"));
  ASSERT_EQ(sessions.size(), 2u);
  EXPECT_EQ(sessions[0]["session_id"], session_id_for(1700000000 + 86400));  // newest first
  EXPECT_EQ(sessions[0]["runs"], 6);
  EXPECT_EQ(body_of(d_.get("/api/keys?suite=routing-benchmark&workload=synthetic")),
            json::array({"helm_kvaware", "helm_roundrobin"}));
  EXPECT_EQ(body_of(d_.get("/api/qps?suite=routing-benchmark&workload=synthetic")), json::array({0.5, 1.0, 2.0}));
  const json metrics = body_of(d_.get("/api/metrics"));
  EXPECT_EQ(metrics[2]["name"], "ttft_p99");
  EXPECT_EQ(metrics[2]["better"], "lower");
}

TEST_F(DashboardQueries, SeriesAgainstQpsDefaultsToTheNewestSession) {
  const json s = body_of(d_.get("/api/series/qps?suite=routing-benchmark&workload=synthetic&metric=ttft_p99"));
  EXPECT_EQ(s["session"]["session_id"], session_id_for(1700000000 + 86400));
  ASSERT_EQ(s["lines"].size(), 2u);
  EXPECT_EQ(s["lines"][1]["key"], "helm_roundrobin");
  const json& pts = s["lines"][1]["points"];
  ASSERT_EQ(pts.size(), 3u);
  EXPECT_DOUBLE_EQ(pts[2]["qps"].get<double>(), 2.0);
  EXPECT_DOUBLE_EQ(pts[2]["value"].get<double>(), 260.0);  // 100*2 + 50 + 10
  const json older = body_of(d_.get("/api/series/qps?suite=routing-benchmark&workload=synthetic&metric=ttft_p99&session=" +
                                    session_id_for(1700000000)));
  EXPECT_DOUBLE_EQ(older["lines"][0]["points"][0]["value"].get<double>(), 50.0);
  const auto missing = d_.get("/api/series/qps?suite=routing-benchmark&workload=synthetic&metric=ttft_p99&session=nope");
  EXPECT_EQ(missing.status, 404);
}

TEST_F(DashboardQueries, SeriesOverTimeFlagsARegressionAgainstThePreviousMedian) {
  // Session 2 of helm_kvaware at QPS 1 is far worse (500 vs 100/110); helm_roundrobin fails.
  ASSERT_EQ(d_.upload_json(make_run_text({.session_secs = 1700000000 + 2 * 86400, .timestamp = "20231116-2213",
                                          .key = "helm_kvaware", .qps = 1, .ttft_p99 = 500}))
                .status,
            201);
  ASSERT_EQ(d_.upload_json(make_run_text({.session_secs = 1700000000 + 2 * 86400, .timestamp = "20231116-2213",
                                          .key = "helm_roundrobin", .qps = 1, .failed = true}))
                .status,
            201);
  const json t = body_of(d_.get("/api/series/time?suite=routing-benchmark&workload=synthetic&metric=ttft_p99&qps=1"));
  ASSERT_EQ(t["lines"].size(), 2u);
  const json& kv = t["lines"][0];
  ASSERT_EQ(kv["points"].size(), 3u);
  EXPECT_TRUE(kv["latest_regressed"].get<bool>());
  EXPECT_FALSE(kv["points"][1]["regressed"].get<bool>());  // 110 vs 100: within 10%
  EXPECT_DOUBLE_EQ(kv["points"][2]["median"].get<double>(), 105.0);
  EXPECT_EQ(kv["points"][2]["history"], 2);
  const json& rr = t["lines"][1];
  EXPECT_FALSE(rr["points"][2]["ok"].get<bool>());
  EXPECT_TRUE(rr["points"][2]["value"].is_null());
  EXPECT_TRUE(rr["latest_regressed"].get<bool>());
  // A looser threshold clears the latency regression but not the failure.
  const json loose = body_of(
      d_.get("/api/series/time?suite=routing-benchmark&workload=synthetic&metric=ttft_p99&qps=1&threshold_pct=500"));
  EXPECT_FALSE(loose["lines"][0]["latest_regressed"].get<bool>());
  EXPECT_TRUE(loose["lines"][1]["latest_regressed"].get<bool>());
  // Throughput: higher is better, so the worse latency run's 70 tok/s is no regression.
  const json tput =
      body_of(d_.get("/api/series/time?suite=routing-benchmark&workload=synthetic&metric=output_throughput&qps=1"));
  EXPECT_FALSE(tput["lines"][0]["latest_regressed"].get<bool>());
}

TEST_F(DashboardQueries, BadParametersAre400AndUnknownRoutes404Or405) {
  const auto no_suite = d_.get("/api/workloads");
  EXPECT_EQ(no_suite.status, 400);
  EXPECT_EQ(body_of(no_suite)["error"]["param"], "suite");
  const auto bad_metric = d_.get("/api/series/qps?suite=a&workload=b&metric=speed");
  EXPECT_EQ(bad_metric.status, 400);
  EXPECT_THAT(error_of(bad_metric), HasSubstr("ttft_p99"));
  EXPECT_EQ(d_.get("/api/series/time?suite=a&workload=b&metric=ttft_p99&qps=fast").status, 400);
  EXPECT_EQ(d_.get("/api/series/time?suite=a&workload=b&metric=ttft_p99&qps=1&window=0").status, 400);
  EXPECT_EQ(d_.get("/api/workloads?suite=%zz").status, 400);
  EXPECT_EQ(d_.get("/api/runs/abc").status, 400);
  EXPECT_EQ(d_.get("/api/runs/99999").status, 404);
  EXPECT_EQ(d_.get("/api/nothing").status, 404);
  EXPECT_EQ(d_.get("/upload").status, 405);
}

TEST(DashboardUi, ServesTheEmbeddedPagesFromTheBinary) {
  LiveDashboard d;
  const auto index = d.get("/");
  ASSERT_EQ(index.status, 200);
  EXPECT_THAT(std::string(http::find_header(index.headers, "Content-Type")), HasSubstr("text/html"));
  EXPECT_THAT(index.body, HasSubstr("<script src=\"/app.js\""));
  const auto js = d.get("/app.js");
  ASSERT_EQ(js.status, 200);
  EXPECT_THAT(std::string(http::find_header(js.headers, "Content-Type")), HasSubstr("text/javascript"));
  EXPECT_THAT(js.body, HasSubstr("function lineChart"));
  EXPECT_EQ(d.get("/app.css").status, 200);
  EXPECT_EQ(d.get("/favicon.svg").status, 200);
  // No remote resources: the page works offline.
  EXPECT_THAT(index.body, ::testing::Not(HasSubstr("http")));
}

// Every file of the UI carries a Content-Security-Policy that lets the page load only its own
// script, styles and images and talk only to this server (the Chromium test runs the UI under it).
TEST(DashboardUi, UiResponsesCarryAContentSecurityPolicy) {
  LiveDashboard d;
  for (const char* path : {"/", "/index.html", "/app.js", "/app.css", "/favicon.svg"}) {
    SCOPED_TRACE(path);
    const auto r = d.get(path);
    ASSERT_EQ(r.status, 200);
    const std::string csp(http::find_header(r.headers, "Content-Security-Policy"));
    EXPECT_THAT(csp, HasSubstr("default-src 'none'"));
    EXPECT_THAT(csp, HasSubstr("script-src 'self'"));
    EXPECT_THAT(csp, HasSubstr("connect-src 'self'"));
    EXPECT_THAT(csp, HasSubstr("frame-ancestors 'none'"));
    EXPECT_THAT(csp, ::testing::Not(HasSubstr("unsafe")));
    EXPECT_EQ(http::find_header(r.headers, "X-Content-Type-Options"), "nosniff");
  }
}

// A run cut short by Ctrl-C is stored with its flag and left out of both charts (and of the
// over-time chart's regression history) unless the UI asks for it with interrupted=1.
TEST_F(DashboardQueries, InterruptedRunsAreLeftOutOfTheChartsUnlessAsked) {
  ASSERT_EQ(d_.upload_json(make_run_text({.session_secs = 1700000000 + 2 * 86400, .timestamp = "20231116-2213",
                                          .key = "helm_kvaware", .qps = 1, .ttft_p99 = 900, .interrupted = true}))
                .status,
            201);
  const std::string session = session_id_for(1700000000 + 2 * 86400);
  const json qps = body_of(d_.get("/api/series/qps?suite=routing-benchmark&workload=synthetic&metric=ttft_p99&session=" +
                                  session));
  EXPECT_EQ(qps["lines"].size(), 0u) << qps.dump();
  const json with = body_of(d_.get(
      "/api/series/qps?suite=routing-benchmark&workload=synthetic&metric=ttft_p99&interrupted=1&session=" + session));
  ASSERT_EQ(with["lines"].size(), 1u) << with.dump();
  EXPECT_TRUE(with["lines"][0]["points"][0]["interrupted"].get<bool>());
  const json t = body_of(d_.get("/api/series/time?suite=routing-benchmark&workload=synthetic&metric=ttft_p99&qps=1"));
  EXPECT_EQ(t["lines"][0]["points"].size(), 2u);
  EXPECT_FALSE(t["lines"][0]["latest_regressed"].get<bool>());
  const json tw =
      body_of(d_.get("/api/series/time?suite=routing-benchmark&workload=synthetic&metric=ttft_p99&qps=1&interrupted=true"));
  ASSERT_EQ(tw["lines"][0]["points"].size(), 3u);
  EXPECT_FALSE(tw["lines"][0]["points"][2]["regressed"].get<bool>()) << "an interrupted point is not judged";
  EXPECT_EQ(d_.get("/api/series/time?suite=routing-benchmark&workload=synthetic&metric=ttft_p99&qps=1&interrupted=maybe")
                .status,
            400);
}

}  // namespace
}  // namespace lmbench::dashboard::testing
