#pragma once
// The project's one JSON string escaper. It lives in http, the lowest folder that writes JSON
// (the server's error bodies); openai/json_text.h re-exports it for request bodies and chunks.

#include <string>
#include <string_view>

namespace lmbench::http {

// Appends `s` as a JSON string literal (quotes included). Bytes >= 0x80 are copied as they are
// (UTF-8 passes through); '"', '\\' and control characters are escaped (\n \r \t \b \f by name,
// the others as \u00XX).
void append_json_string(std::string& out, std::string_view s);

}  // namespace lmbench::http
