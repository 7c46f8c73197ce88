// upload_file against a real dashboard on loopback: what `lmbench upload` and `lmbench run
// --auto-upload` report per file.

#include "dashboard/upload_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "dashboard_fixture.h"

namespace lmbench::dashboard::testing {
namespace {

using ::testing::HasSubstr;

std::filesystem::path write(const TempDir& dir, const std::string& name, const std::string& text) {
  const auto path = dir.path() / name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

TEST(UploadClient, StoresThenReportsDuplicateInBothEncodings) {
  LiveDashboard d;
  TempDir dir;
  const auto file = write(dir, "helm_a_synthetic_0.5_20231114-2213.json", make_run_text({.key = ""}));
  core::SteadyClock clock;
  UploadOptions options{.api_url = d.url("/upload")};
  const UploadOutcome first = upload_file(file, options, clock);
  EXPECT_EQ(first.status, UploadStatus::kStored) << first.message;
  EXPECT_EQ(first.http_status, 201);
  EXPECT_GT(first.id, 0);
  options.encoding = UploadEncoding::kJson;
  const UploadOutcome again = upload_file(file, options, clock);
  EXPECT_EQ(again.status, UploadStatus::kDuplicate) << again.message;
  EXPECT_EQ(again.id, first.id);
  // JSON encoding sends the file name too, so a key-less document still gets its key.
  const auto other = write(dir, "helm_b_synthetic_0.5_20231114-2213.json", make_run_text({.key = ""}));
  const UploadOutcome b = upload_file(other, options, clock);
  ASSERT_EQ(b.status, UploadStatus::kStored) << b.message;
  EXPECT_THAT(d.get("/api/keys?suite=routing-benchmark&workload=synthetic").body, HasSubstr("helm_b"));
  EXPECT_TRUE(std::filesystem::exists(file));
}

TEST(UploadClient, ReportsTheDashboardsReasonAndKeepsTheFile) {
  LiveDashboard d({.upload_token = "tok"});
  TempDir dir;
  const auto file = write(dir, "run.json", make_run_text({}));
  core::SteadyClock clock;
  UploadOptions options{.api_url = d.url("/upload")};
  const UploadOutcome no_token = upload_file(file, options, clock);
  EXPECT_EQ(no_token.status, UploadStatus::kFailed);
  EXPECT_EQ(no_token.http_status, 401);
  EXPECT_THAT(no_token.message, HasSubstr("HTTP 401"));
  options.bearer_token = "tok";
  EXPECT_EQ(upload_file(file, options, clock).status, UploadStatus::kStored);
  const auto bad = write(dir, "bad.json", "{\"name\": 3}");
  const UploadOutcome rejected = upload_file(bad, options, clock);
  EXPECT_EQ(rejected.status, UploadStatus::kFailed);
  EXPECT_THAT(rejected.message, HasSubstr("HTTP 400: name"));
  EXPECT_TRUE(std::filesystem::exists(file));
  EXPECT_TRUE(std::filesystem::exists(bad));
}

TEST(UploadClient, UnreadableFileAndUnreachableDashboardAreFailures) {
  core::SteadyClock clock;
  TempDir dir;
  const UploadOutcome missing = upload_file(dir.path() / "nope.json", {}, clock);
  EXPECT_EQ(missing.status, UploadStatus::kFailed);
  EXPECT_THAT(missing.message, HasSubstr("cannot read"));
  const auto file = write(dir, "run.json", make_run_text({}));
  std::string closed_url;
  {
    LiveDashboard gone;
    closed_url = gone.url("/upload");
  }
  const UploadOutcome refused = upload_file(file, {.api_url = closed_url, .timeout = std::chrono::seconds(5)}, clock);
  EXPECT_EQ(refused.status, UploadStatus::kFailed);
  EXPECT_EQ(refused.http_status, 0);
  EXPECT_THAT(refused.message, HasSubstr("connect"));
  EXPECT_EQ(upload_file(file, {.api_url = "not a url"}, clock).status, UploadStatus::kFailed);
}

}  // namespace
}  // namespace lmbench::dashboard::testing
