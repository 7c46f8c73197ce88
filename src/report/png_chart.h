#pragma once
// {WORKLOAD}_comparison.png: the three comparison panels (TTFT, ITL, TPOT in ms against QPS)
// side by side under one title and one legend, drawn with cairo.

#include <filesystem>
#include <string>

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

}  // namespace lmbench::report
