// `lmbench upload FILE...`: posts run JSON files and capacity files ({WORKLOAD}_capacity.json,
// told by content) to a dashboard, one line per file. Exit code 1 when any file failed; the files
// stay where they are either way.

#include <fmt/format.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "cli/command.h"
#include "core/clock.h"
#include "core/error.h"
#include "dashboard/upload_client.h"
#include "core/files.h"
#include "metrics/run_file.h"
#include "store/capacity_json.h"

namespace lmbench::cli {

namespace {

struct UploadArgs {
  std::vector<std::string> files;
  std::string api_url = dashboard::kDefaultUploadUrl;
  std::string token_env;
  std::string encoding = "multipart";
  double timeout_s = 30;
};

int run_upload(const UploadArgs& args) {
  dashboard::UploadOptions options;
  options.api_url = args.api_url;
  options.encoding = args.encoding == "json" ? dashboard::UploadEncoding::kJson : dashboard::UploadEncoding::kMultipart;
  options.timeout = std::chrono::milliseconds(static_cast<long>(args.timeout_s * 1000));
  if (!args.token_env.empty()) {
    const char* token = std::getenv(args.token_env.c_str());
    if (token == nullptr || *token == '\0') {
      throw core::ConfigError("--token-env: environment variable " + args.token_env + " is not set or empty");
    }
    options.bearer_token = token;
  }
  core::SteadyClock clock;
  int stored = 0, duplicates = 0, failed = 0, skipped = 0;
  for (const auto& file : args.files) {
    std::string text;
    try {
      text = core::read_file(file);
    } catch (const std::exception&) {
      text.clear();  // unreadable: upload_file below says so
    }
    if (!text.empty() && store::is_capacity_json(text)) {
      const dashboard::UploadOutcome o = dashboard::upload_capacity_file(file, options, clock);
      switch (o.status) {
        case dashboard::UploadStatus::kStored: ++stored; break;
        case dashboard::UploadStatus::kDuplicate: ++duplicates; break;
        case dashboard::UploadStatus::kFailed: ++failed; break;
      }
      if (o.status == dashboard::UploadStatus::kFailed) {
        fmt::print("failed     {}: {}\n", file, o.message);
      } else {
        fmt::print("{:<10} {} (capacity: {})\n", dashboard::to_string(o.status), file, o.detail);
      }
      continue;
    }
    // A results folder also holds {WORKLOAD}_comparison.json, _verdicts.json and other JSON that is not a run:
    // `upload results/x/*.json` skips them with a note instead of failing on them.
    const auto run = metrics::read_run_file(file);
    if (!run && run.error().kind == "format") {  // valid JSON of another shape; broken files fail below
      ++skipped;
      fmt::print("skipped    {}: not a run JSON ({})\n", file, run.error().message);
      continue;
    }
    const bool interrupted = run && run->interrupted();
    const dashboard::UploadOutcome o = dashboard::upload_file(file, options, clock);
    switch (o.status) {
      case dashboard::UploadStatus::kStored:
        ++stored;
        fmt::print("stored     {} (id {}){}\n", file, o.id,
                   interrupted ? "; interrupted: kept out of charts and regressions" : "");
        break;
      case dashboard::UploadStatus::kDuplicate:
        ++duplicates;
        fmt::print("duplicate  {} (already stored as id {})\n", file, o.id);
        break;
      case dashboard::UploadStatus::kFailed:
        ++failed;
        fmt::print("failed     {}: {}\n", file, o.message);
        break;
    }
  }
  fmt::print("{} file(s) to {}: {} stored, {} duplicate, {} failed, {} skipped\n", args.files.size(), args.api_url,
             stored, duplicates, failed, skipped);
  return failed > 0 ? 1 : 0;
}

}  // namespace

Command add_upload(CLI::App& app) {
  auto* sub = app.add_subcommand("upload", "Upload run JSON files and capacity files ({WORKLOAD}_capacity.json) to a dashboard");
  auto args = std::make_shared<UploadArgs>();
  sub->add_option("files", args->files, "run JSON files and {WORKLOAD}_capacity.json files")->required();
  sub->add_option("--api-url", args->api_url, "the dashboard's upload URL")->capture_default_str();
  sub->add_option("--token-env", args->token_env, "environment variable holding the dashboard's bearer token");
  sub->add_option("--encoding", args->encoding, "multipart (a 'file' field, as the original uploader) or json")
      ->capture_default_str()
      ->check(CLI::IsMember({"multipart", "json"}));
  sub->add_option("--timeout", args->timeout_s, "seconds per file")->capture_default_str()->check(CLI::PositiveNumber);
  return {sub, [args] { return run_upload(*args); }};
}

}  // namespace lmbench::cli
