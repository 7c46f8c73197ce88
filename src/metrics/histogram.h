#pragma once
// A log-bucketed (HDR-style) histogram for streams of samples too many to keep: live progress
// lines, ITL over millions of gaps. Summaries written to JSON use exact samples instead
// (metrics/percentile.h); this is the approximate, constant-memory path.
//
// Buckets grow geometrically from `lowest` to `highest`, each (1 + relative_error * 2) wider than
// the previous, so a reported percentile is within `relative_error` of a recorded value.
// Values below `lowest` (including zero and negatives) and above `highest` are never dropped:
// they are counted as underflow/overflow and reported (STYLE.md "samples are never dropped").

#include <cstdint>
#include <optional>
#include <vector>

namespace lmbench::metrics {

class LogHistogram {
 public:
  // Requires 0 < lowest < highest and 0 < relative_error < 1; throws std::invalid_argument.
  LogHistogram(double lowest, double highest, double relative_error = 0.01);

  void record(double value, std::uint64_t times = 1);
  // Adds `other`'s counts. Both must have been built with the same arguments; throws
  // std::invalid_argument otherwise.
  void merge(const LogHistogram& other);

  std::uint64_t count() const { return total_; }  // every recorded value, in range or not
  std::uint64_t underflow() const { return underflow_; }
  std::uint64_t overflow() const { return overflow_; }
  double mean() const;  // exact mean of every recorded value (tracked as a sum)

  // q in [0, 100], nearest rank over all recorded values (underflows rank as `lowest`,
  // overflows as `highest`). Within relative_error of a recorded value in range.
  // std::nullopt when empty.
  std::optional<double> percentile(double q) const;

 private:
  std::size_t bucket_of(double value) const;
  double bucket_value(std::size_t index) const;

  double lowest_;
  double highest_;
  double relative_error_;
  double log_base_;  // log(1 + 2 * relative_error)
  std::vector<std::uint64_t> buckets_;
  std::uint64_t underflow_ = 0;
  std::uint64_t overflow_ = 0;
  std::uint64_t total_ = 0;
  double sum_ = 0;
};

}  // namespace lmbench::metrics
