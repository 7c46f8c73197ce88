#include "openai/json_text.h"

#include <fmt/format.h>

#include <cmath>

namespace lmbench::openai {

void append_json_number(std::string& out, double v) {
  if (!std::isfinite(v)) {
    out += "null";
    return;
  }
  fmt::format_to(std::back_inserter(out), "{}", v);
}

}  // namespace lmbench::openai
