#include "dashboard/multipart.h"

#include <algorithm>
#include <cctype>

namespace lmbench::dashboard {

namespace {

core::Error multipart_error(std::string message) { return core::Error{"multipart", std::move(message)}; }

bool is_space(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// RFC 2046 bchars: digits, letters and '()+_,-./:=? and space (not last), 1 to 70 of them.
bool valid_boundary(std::string_view b) {
  if (b.empty() || b.size() > 70 || b.back() == ' ') return false;
  return std::all_of(b.begin(), b.end(), [](unsigned char c) {
    return std::isalnum(c) || std::string_view("'()+_,-./:=? ").find(static_cast<char>(c)) != std::string_view::npos;
  });
}

}  // namespace

core::Result<std::vector<HeaderParam>> parse_header_params(std::string_view value) {
  std::vector<HeaderParam> params;
  std::size_t i = value.find(';');
  while (i != std::string_view::npos && i < value.size()) {
    ++i;  // past ';'
    while (i < value.size() && is_space(value[i])) ++i;
    if (i >= value.size()) break;
    const std::size_t eq = value.find('=', i);
    const std::size_t semi = value.find(';', i);
    if (eq == std::string_view::npos || (semi != std::string_view::npos && semi < eq)) {
      // A bare token without '=' carries no value we use; skip it.
      i = semi;
      continue;
    }
    HeaderParam p;
    p.name = lower(trim(value.substr(i, eq - i)));
    i = eq + 1;
    while (i < value.size() && is_space(value[i])) ++i;
    if (i < value.size() && value[i] == '"') {
      ++i;
      bool closed = false;
      while (i < value.size()) {
        const char c = value[i++];
        if (c == '\\' && i < value.size()) {
          p.value += value[i++];
        } else if (c == '"') {
          closed = true;
          break;
        } else {
          p.value += c;
        }
      }
      if (!closed) return multipart_error("unterminated quoted value of parameter '" + p.name + "'");
      i = value.find(';', i);
    } else {
      const std::size_t end = value.find(';', i);
      p.value = std::string(trim(value.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i)));
      i = end;
    }
    params.push_back(std::move(p));
  }
  return params;
}

core::Result<std::string> multipart_boundary(std::string_view content_type) {
  const std::string media = lower(trim(content_type.substr(0, content_type.find(';'))));
  if (media != "multipart/form-data") {
    return multipart_error("expected Content-Type multipart/form-data, found '" + std::string(content_type) + "'");
  }
  auto params = parse_header_params(content_type);
  if (!params.ok()) return params.error();
  for (const auto& p : *params) {
    if (p.name != "boundary") continue;
    if (!valid_boundary(p.value)) return multipart_error("invalid multipart boundary '" + p.value + "'");
    return p.value;
  }
  return multipart_error("multipart/form-data Content-Type without a boundary parameter");
}

core::Result<std::vector<FormPart>> parse_multipart(std::string_view body, std::string_view boundary) {
  const std::string delimiter = "--" + std::string(boundary);
  const std::string inner_delimiter = "\r\n" + delimiter;
  std::size_t pos;
  if (body.substr(0, delimiter.size()) == delimiter) {
    pos = delimiter.size();
  } else {
    const std::size_t found = body.find(inner_delimiter);
    if (found == std::string_view::npos) return multipart_error("no '" + delimiter + "' delimiter in the body");
    pos = found + inner_delimiter.size();
  }
  std::vector<FormPart> parts;
  for (;;) {
    // After a delimiter: "--" closes; otherwise optional padding, then CRLF, then a part.
    if (body.substr(pos, 2) == "--") return parts;
    while (pos < body.size() && is_space(body[pos])) ++pos;
    if (body.substr(pos, 2) != "\r\n") return multipart_error("expected CRLF after a multipart delimiter");
    pos += 2;
    const std::size_t head_end = body.find("\r\n\r\n", pos);
    // A part without headers starts with the empty line right away.
    std::string_view head;
    std::size_t content_start;
    if (body.substr(pos, 2) == "\r\n") {
      content_start = pos + 2;
    } else if (head_end == std::string_view::npos) {
      return multipart_error("multipart part without the blank line that ends its headers");
    } else {
      head = body.substr(pos, head_end - pos);
      content_start = head_end + 4;
    }
    const std::size_t next = body.find(inner_delimiter, content_start);
    if (next == std::string_view::npos) {
      return multipart_error("multipart body ends without its closing '" + delimiter + "--' delimiter");
    }
    FormPart part;
    part.body = std::string(body.substr(content_start, next - content_start));
    std::size_t line_start = 0;
    while (line_start <= head.size() && !head.empty()) {
      std::size_t line_end = head.find("\r\n", line_start);
      if (line_end == std::string_view::npos) line_end = head.size();
      const std::string_view line = head.substr(line_start, line_end - line_start);
      const std::size_t colon = line.find(':');
      if (colon == std::string_view::npos) {
        return multipart_error("malformed multipart part header '" + std::string(line) + "'");
      }
      const std::string name = lower(trim(line.substr(0, colon)));
      const std::string_view value = trim(line.substr(colon + 1));
      if (name == "content-disposition") {
        auto params = parse_header_params(value);
        if (!params.ok()) return params.error();
        for (const auto& p : *params) {
          if (p.name == "name") part.name = p.value;
          if (p.name == "filename") part.filename = p.value;
        }
      } else if (name == "content-type") {
        part.content_type = std::string(value);
      }
      line_start = line_end + 2;
    }
    parts.push_back(std::move(part));
    pos = next + inner_delimiter.size();
  }
}

}  // namespace lmbench::dashboard
