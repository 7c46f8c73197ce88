#include "metrics/histogram.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace lmbench::metrics {

LogHistogram::LogHistogram(double lowest, double highest, double relative_error)
    : lowest_(lowest), highest_(highest), relative_error_(relative_error) {
  if (!(lowest > 0) || !(highest > lowest) || !(relative_error > 0) || !(relative_error < 1)) {
    throw std::invalid_argument("LogHistogram: need 0 < lowest < highest and 0 < relative_error < 1");
  }
  log_base_ = std::log1p(2 * relative_error);
  const auto n = static_cast<std::size_t>(std::ceil(std::log(highest / lowest) / log_base_)) + 1;
  buckets_.assign(n, 0);
}

std::size_t LogHistogram::bucket_of(double value) const {
  const auto i = static_cast<std::size_t>(std::log(value / lowest_) / log_base_);
  return std::min(i, buckets_.size() - 1);
}

// Bucket i covers [lowest * b^i, lowest * b^(i+1)); its centre in ratio terms (the geometric mean
// of its edges) is within relative_error of every value in it.
double LogHistogram::bucket_value(std::size_t index) const {
  return std::min(highest_, lowest_ * std::exp((static_cast<double>(index) + 0.5) * log_base_));
}

void LogHistogram::record(double value, std::uint64_t times) {
  total_ += times;
  sum_ += value * static_cast<double>(times);
  if (!(value >= lowest_)) {  // also catches NaN
    underflow_ += times;
  } else if (value > highest_) {
    overflow_ += times;
  } else {
    buckets_[bucket_of(value)] += times;
  }
}

void LogHistogram::merge(const LogHistogram& other) {
  if (other.lowest_ != lowest_ || other.highest_ != highest_ || other.relative_error_ != relative_error_) {
    throw std::invalid_argument("LogHistogram::merge: histograms have different layouts");
  }
  for (std::size_t i = 0; i < buckets_.size(); ++i) buckets_[i] += other.buckets_[i];
  underflow_ += other.underflow_;
  overflow_ += other.overflow_;
  total_ += other.total_;
  sum_ += other.sum_;
}

double LogHistogram::mean() const { return total_ == 0 ? 0.0 : sum_ / static_cast<double>(total_); }

std::optional<double> LogHistogram::percentile(double q) const {
  if (total_ == 0) return std::nullopt;
  q = std::clamp(q, 0.0, 100.0);
  // Nearest rank: the smallest value with at least ceil(q/100 * n) values at or below it (rank 1
  // for q = 0).
  const auto rank = std::max<std::uint64_t>(
      1, static_cast<std::uint64_t>(std::ceil(q / 100.0 * static_cast<double>(total_))));
  std::uint64_t seen = underflow_;
  if (seen >= rank) return lowest_;
  for (std::size_t i = 0; i < buckets_.size(); ++i) {
    seen += buckets_[i];
    if (seen >= rank) return bucket_value(i);
  }
  return highest_;
}

}  // namespace lmbench::metrics
