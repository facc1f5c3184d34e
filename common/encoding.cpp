#include "common/encoding.h"

#include <array>
#include <boost/algorithm/hex.hpp>
#include <cstdint>
#include <iterator>

namespace feedd::common {
namespace {

constexpr std::string_view kBase64Alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::string_view kBase64UrlAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// Base64 of `bytes` in `alphabet` (64 characters), '=' padded when `pad`.
std::string encode_base64(std::string_view bytes, std::string_view alphabet, bool pad) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  auto byte = [&](std::size_t k) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[k]));
  };
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t v = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += alphabet[(v >> 6) & 63];
    out += alphabet[v & 63];
  }
  const std::size_t rest = bytes.size() - i;
  if (rest == 0) {
    return out;
  }
  const std::uint32_t v = (byte(i) << 16) | (rest == 2 ? byte(i + 1) << 8 : 0);
  out += alphabet[(v >> 18) & 63];
  out += alphabet[(v >> 12) & 63];
  if (rest == 2) {
    out += alphabet[(v >> 6) & 63];
  }
  if (pad) {
    out.append(3 - rest, '=');
  }
  return out;
}

// Maps a base64 character to its 6-bit value, or kNotBase64.
constexpr std::uint8_t kNotBase64 = 0xFF;
constexpr std::array<std::uint8_t, 256> make_base64_table() {
  std::array<std::uint8_t, 256> table{};
  for (auto& v : table) {
    v = kNotBase64;
  }
  for (std::size_t i = 0; i < kBase64Alphabet.size(); ++i) {
    table[static_cast<unsigned char>(kBase64Alphabet[i])] = static_cast<std::uint8_t>(i);
  }
  return table;
}
constexpr std::array<std::uint8_t, 256> kBase64Values = make_base64_table();

}  // namespace

std::string hex_encode(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  boost::algorithm::hex_lower(bytes.begin(), bytes.end(), std::back_inserter(out));
  return out;
}

std::optional<std::string> hex_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size() / 2);
  try {
    boost::algorithm::unhex(text.begin(), text.end(), std::back_inserter(out));
  } catch (const boost::algorithm::hex_decode_error&) {
    return std::nullopt;  // odd length or a non-hex digit
  }
  return out;
}

std::optional<std::string> percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size()) {
      return std::nullopt;
    }
    auto byte = hex_decode(text.substr(i + 1, 2));
    if (!byte) {
      return std::nullopt;
    }
    out += *byte;
    i += 2;
  }
  return out;
}

std::string base64_encode(std::string_view bytes) {
  return encode_base64(bytes, kBase64Alphabet, true);
}

std::string base64url_encode(std::string_view bytes) {
  return encode_base64(bytes, kBase64UrlAlphabet, false);
}

std::optional<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) {
    return std::nullopt;
  }
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    bool last = i + 4 == text.size();
    std::size_t padding = 0;
    if (last && text[i + 3] == '=') {
      padding = text[i + 2] == '=' ? 2 : 1;
    }
    std::uint32_t v = 0;
    for (std::size_t k = 0; k < 4 - padding; ++k) {
      const std::uint8_t d = kBase64Values[static_cast<unsigned char>(text[i + k])];
      if (d == kNotBase64) {
        return std::nullopt;
      }
      v |= static_cast<std::uint32_t>(d) << (18 - 6 * k);
    }
    // Bits that padding drops must be zero, so that every byte string has one encoding.
    if ((padding == 1 && (v & 0xFF) != 0) || (padding == 2 && (v & 0xFFFF) != 0)) {
      return std::nullopt;
    }
    out += static_cast<char>((v >> 16) & 0xFF);
    if (padding < 2) {
      out += static_cast<char>((v >> 8) & 0xFF);
    }
    if (padding < 1) {
      out += static_cast<char>(v & 0xFF);
    }
  }
  return out;
}

}  // namespace feedd::common
