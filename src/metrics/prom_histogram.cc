#include "metrics/prom_histogram.h"

#include <cmath>
#include <cstdlib>
#include <limits>
#include <map>
#include <string>

namespace lmbench::metrics {

namespace {

// The value of label `le` in a label block `{a="x",le="0.5"}`; nullopt when absent.
std::optional<double> le_of(std::string_view labels) {
  const std::size_t at = labels.find("le=\"");
  if (at == std::string_view::npos) return std::nullopt;
  const std::size_t start = at + 4, end = labels.find('"', start);
  if (end == std::string_view::npos) return std::nullopt;
  const std::string v(labels.substr(start, end - start));
  if (v == "+Inf") return std::numeric_limits<double>::infinity();
  char* stop = nullptr;
  const double d = std::strtod(v.c_str(), &stop);
  if (stop != v.c_str() + v.size()) return std::nullopt;
  return d;
}

}  // namespace

std::optional<PromHistogram> read_prom_histogram(std::string_view text, std::string_view name) {
  const std::string bucket = std::string(name) + "_bucket{";
  std::map<double, double> by_le;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    const std::string_view line = text.substr(pos, eol - pos);
    pos = eol + 1;
    if (line.rfind(bucket, 0) != 0) continue;
    const std::size_t close = line.find('}', bucket.size());
    if (close == std::string_view::npos) continue;
    const auto le = le_of(line.substr(bucket.size() - 1, close - bucket.size() + 2));
    if (!le) continue;
    const std::string value(line.substr(close + 1));
    char* stop = nullptr;
    const double v = std::strtod(value.c_str(), &stop);
    if (stop == value.c_str() || !std::isfinite(v)) continue;
    by_le[*le] += v;
  }
  if (by_le.empty()) return std::nullopt;
  PromHistogram h;
  for (const auto& [le, v] : by_le) {
    h.bounds.push_back(le);
    h.cumulative.push_back(v);
  }
  return h;
}

PromHistogram histogram_delta(const PromHistogram& after, const PromHistogram& before) {
  if (after.bounds != before.bounds) return after;
  PromHistogram d = after;
  for (std::size_t i = 0; i < d.cumulative.size(); ++i) d.cumulative[i] = std::max(0.0, after.cumulative[i] - before.cumulative[i]);
  return d;
}

std::optional<double> histogram_quantile(const PromHistogram& h, double q) {
  const double total = h.count();
  if (!(total > 0) || h.bounds.empty()) return std::nullopt;
  const double rank = q * total;
  for (std::size_t i = 0; i < h.bounds.size(); ++i) {
    if (h.cumulative[i] < rank) continue;
    if (std::isinf(h.bounds[i])) return i > 0 ? std::optional<double>(h.bounds[i - 1]) : std::nullopt;
    const double lower = i == 0 ? 0.0 : h.bounds[i - 1];
    const double below = i == 0 ? 0.0 : h.cumulative[i - 1];
    const double in_bucket = h.cumulative[i] - below;
    if (!(in_bucket > 0)) return h.bounds[i];
    return lower + (h.bounds[i] - lower) * (rank - below) / in_bucket;
  }
  return std::nullopt;  // counts that do not reach the total (not cumulative): nothing to say
}

}  // namespace lmbench::metrics
