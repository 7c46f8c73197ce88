#pragma once
// JSON text helpers for the hot paths (request bodies, streamed chunks): appending strings and
// numbers without building a DOM.

#include <string>
#include <string_view>

namespace lmbench::openai {

// Appends `s` as a JSON string literal (quotes included). Bytes >= 0x80 are copied as they are
// (UTF-8 passes through); control characters are escaped.
void append_json_string(std::string& out, std::string_view s);
// Shortest text that reads back as the same double ("0.7", "1", "1e-05").
void append_json_number(std::string& out, double v);

}  // namespace lmbench::openai
