#pragma once
// The byte-level alphabet of GPT-2 style BPE (used by Llama 3): every byte 0..255 is shown as one
// printable Unicode code point, so vocab and merges in tokenizer.json are strings of those code
// points ("Ġworld" is the bytes " world"). The tokenizer converts them to raw bytes once, at
// load, and then works on bytes only.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace lmbench::text {

// The code point that stands for `byte` in the byte-level alphabet.
char32_t byte_to_code_point(std::uint8_t byte);

// The byte a code point stands for, or nullopt when it is not part of the alphabet.
std::optional<std::uint8_t> code_point_to_byte(char32_t cp);

// Decodes a byte-level string (UTF-8 of alphabet code points) into the raw bytes it stands for.
// nullopt when the string is not valid UTF-8 or holds a code point outside the alphabet.
std::optional<std::string> byte_level_decode(std::string_view encoded);

// Decodes one UTF-8 sequence at text[pos]. Returns the code point and advances pos; on an invalid
// or truncated sequence returns nullopt and advances pos by one byte.
std::optional<char32_t> next_code_point(std::string_view text, std::size_t& pos);

// Appends the UTF-8 encoding of cp (which must be <= 0x10FFFF).
void append_utf8(std::string& out, char32_t cp);

}  // namespace lmbench::text
