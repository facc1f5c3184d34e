// FNV-1a, 64 bits: a small hash that is the same on every run and build (std::hash is
// unspecified), for values whose hash goes into a digest that is kept (built_files). Not a
// defence against collisions anyone would craft: where it is used, one costs a render more.
#pragma once

#include <cstdint>
#include <string_view>

namespace feedd::common {

inline constexpr std::uint64_t kFnv1aBasis = 0xcbf29ce484222325;

constexpr std::uint64_t fnv1a(std::string_view bytes, std::uint64_t hash = kFnv1aBasis) {
  for (const char c : bytes) {
    hash = (hash ^ static_cast<unsigned char>(c)) * 0x100000001b3;
  }
  return hash;
}

// `value`'s eight bytes, least significant first (the same on any machine).
constexpr std::uint64_t fnv1a_number(std::uint64_t value, std::uint64_t hash = kFnv1aBasis) {
  for (int i = 0; i < 8; ++i) {
    hash = (hash ^ ((value >> (8 * i)) & 0xff)) * 0x100000001b3;
  }
  return hash;
}

}  // namespace feedd::common
