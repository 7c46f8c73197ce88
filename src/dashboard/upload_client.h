#pragma once
// The client side of POST /upload: `lmbench upload FILE...` and, later, `lmbench run
// --auto-upload`. Each file is posted as the original LMBench uploader posts it (multipart/form-
// data with a `file` field) or as a raw JSON body. Files are only read, never moved or deleted:
// a failed upload leaves the run's artifacts where they are.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>

#include "core/clock.h"

namespace lmbench::dashboard {

inline constexpr const char* kDefaultUploadUrl = "http://localhost:3001/upload";

enum class UploadEncoding { kMultipart, kJson };

struct UploadOptions {
  std::string api_url = kDefaultUploadUrl;
  std::string bearer_token;  // sent as "Authorization: Bearer ..." when not empty
  UploadEncoding encoding = UploadEncoding::kMultipart;
  std::chrono::milliseconds timeout{30'000};  // per file, connect to last byte
};

enum class UploadStatus { kStored, kDuplicate, kFailed };

struct UploadOutcome {
  UploadStatus status = UploadStatus::kFailed;
  std::int64_t id = 0;   // the dashboard's run id when stored or duplicate
  int http_status = 0;   // 0 when no response came back
  std::string message;   // why it failed: the dashboard's error message, or the transport error
  std::string detail;    // a capacity file: each baseline's fate, "plain_vllm stored, lmcache duplicate"
};

// Posts one file: a run JSON, or a capacity file (told by content; then as upload_capacity_file
// posts it, so `--auto-upload`'s after_run hook can be handed either). Never throws: an unreadable file, a refused connection or a rejection by the
// dashboard come back as kFailed with the reason.
UploadOutcome upload_file(const std::filesystem::path& file, const UploadOptions& options, const core::Clock& clock);

// Posts one {WORKLOAD}_capacity.json to the same upload URL (the dashboard tells it by content).
// The file names no suite, so its suite (store::capacity_file_suite: the file's "name", a probe
// run's "name", or its folder's name) goes along as the `suite` query parameter. kStored when any
// baseline's search was stored or replaced, kDuplicate when all were stored already. Never throws.
UploadOutcome upload_capacity_file(const std::filesystem::path& file, const UploadOptions& options,
                                   const core::Clock& clock);

// The multipart/form-data body the uploader sends, and its Content-Type (exposed for tests).
struct MultipartBody {
  std::string content_type;
  std::string body;
};
MultipartBody make_multipart(std::string_view field, std::string_view file_name, std::string_view content);

const char* to_string(UploadStatus status);

}  // namespace lmbench::dashboard
