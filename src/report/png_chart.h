#pragma once
// {WORKLOAD}_comparison.png: the three comparison panels (TTFT, ITL, TPOT in ms against QPS)
// side by side under one title and one legend, drawn with cairo.

#include <filesystem>
#include <string>

#include "report/capacity.h"
#include "report/comparison.h"

namespace lmbench::report {

struct PngOptions {
  int width = 2100;  // at least 1800 x 600 (the format's minimum)
  int height = 720;
};

// The PNG bytes. `title` heads the image (e.g. "synthetic — routing-benchmark").
std::string render_comparison_png(const Comparison& comparison, const std::string& title,
                                  const PngOptions& options = {});

// Renders and writes atomically. Throws std::runtime_error naming the path when it cannot write.
void write_comparison_png(const std::filesystem::path& path, const Comparison& comparison,
                          const std::string& title, const PngOptions& options = {});

// {WORKLOAD}_capacity.png: one bar per baseline of a capacity file, its height the capacity, a
// black whisker over the bracket [lower, upper] it was found in; a baseline that hit max_qps gets
// an arrow up (its bar is a lower bound), one below min_qps no bar and a note. At least 900 x 500.
std::string render_capacity_png(const CapacityFile& capacity, const std::string& title,
                                const PngOptions& options = {1200, 720});
void write_capacity_png(const std::filesystem::path& path, const CapacityFile& capacity, const std::string& title,
                        const PngOptions& options = {1200, 720});

}  // namespace lmbench::report
