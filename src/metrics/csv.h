#pragma once
// The per-request CSV kept beside each run JSON. The first eight columns are the original
// LMBench's, in its order and units (seconds; launch_time and finish_time are Unix time):
//   prompt_tokens, generation_tokens, ttft, generation_time, user_id, question_id, launch_time, finish_time
// where ttft = first content chunk - send and generation_time = end - first content chunk (the
// original's definition). lmbench's columns follow:
//   request_id, outcome (ok | failed | cancelled), error_kind, error_message, warmup (0/1),
//   e2e_latency (s), scheduling_lag (s), output_tokens_source (usage | tokenizer | none),
//   backend, chunks, itl_ms (every gap between content chunks, milliseconds, space-separated),
//   cached_tokens, client_lag (s), and, for a run sent by several workers, worker (its index)
// Every record is written, failed, cancelled and warm-up ones included (the outcome and warmup
// columns say which). Values a record does not have (ttft without a first chunk) are empty
// cells, which pandas reads as NaN, never a made-up 0.

#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/error.h"
#include "metrics/record.h"

namespace lmbench::metrics {

std::string csv_header();
std::string to_csv(std::span<const RequestRecord> records);
void write_csv(const std::filesystem::path& path, std::span<const RequestRecord> records);

// One row read back, for reports. Columns an older file lacks stay at their defaults; an
// original LMBench CSV (eight columns) reads as all-ok rows without ITL.
struct CsvRow {
  int prompt_tokens = 0;
  int generation_tokens = 0;
  std::optional<double> ttft_s;
  std::optional<double> generation_time_s;
  std::string user_id;
  int question_id = 0;
  double launch_time = 0;  // Unix seconds
  double finish_time = 0;  // Unix seconds
  std::string outcome = "ok";
  bool warmup = false;
  std::string backend;  // the engine that served it (router's x-lmbench-backend); "" when unknown
  std::optional<int> cached_tokens;  // prompt tokens from the server's prefix cache, when it said
  std::vector<double> itl_ms;
};

// CSV text as rows of fields (RFC 4180 quoting; blank lines skipped), for any CSV lmbench writes.
// Errors name the line of an unterminated quote.
core::Result<std::vector<std::vector<std::string>>> split_csv(std::string_view text, const std::string& origin);

// Parses CSV text with a header row (RFC 4180 quoting). Errors name the line and column.
core::Result<std::vector<CsvRow>> parse_csv(std::string_view text, const std::string& origin);
core::Result<std::vector<CsvRow>> read_csv(const std::filesystem::path& path);

}  // namespace lmbench::metrics
