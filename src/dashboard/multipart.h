#pragma once
// multipart/form-data (RFC 7578 over RFC 2046) as browsers, curl and Python's `requests` send it:
// what the original LMBench uploader posts to the dashboard. Pure functions over whole bodies
// (the server has read the body under its size limit before this runs).

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace lmbench::dashboard {

struct FormPart {
  std::string name;          // Content-Disposition name
  std::string filename;      // Content-Disposition filename, "" when absent
  std::string content_type;  // the part's Content-Type, "" when absent
  std::string body;          // bytes between the part's head and the next delimiter
};

// The boundary parameter of a "multipart/form-data; boundary=..." Content-Type (quoted or not).
// Errors (kind "multipart"): another media type, no boundary, a boundary RFC 2046 forbids.
core::Result<std::string> multipart_boundary(std::string_view content_type);

// Splits `body` into its parts. Delimiters are "--boundary" at the start or after CRLF; the
// part before the first one (preamble) and after the closing "--boundary--" (epilogue) are
// ignored. Errors (kind "multipart") say what is missing, e.g. no closing delimiter.
core::Result<std::vector<FormPart>> parse_multipart(std::string_view body, std::string_view boundary);

// Header parameters after the first ';' of a header value: `form-data; name="file"; filename=a.json`.
// Names are lower-cased; quoted values lose their quotes and backslash escapes.
struct HeaderParam {
  std::string name;
  std::string value;
};
core::Result<std::vector<HeaderParam>> parse_header_params(std::string_view header_value);

}  // namespace lmbench::dashboard
