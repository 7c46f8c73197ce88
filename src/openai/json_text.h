#pragma once
// JSON text helpers for the hot paths (request bodies, streamed chunks): appending strings and
// numbers without building a DOM.

#include <string>
#include <string_view>

#include "http/json_string.h"

namespace lmbench::openai {

// Appends `s` as a JSON string literal (quotes included): the project's one escaper.
using http::append_json_string;
// Shortest text that reads back as the same double ("0.7", "1", "1e-05").
void append_json_number(std::string& out, double v);

}  // namespace lmbench::openai
