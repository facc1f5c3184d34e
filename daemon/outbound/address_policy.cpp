#include "daemon/outbound/address_policy.h"

#include <cstdint>

namespace feedd::daemon {
namespace {

bool in_v4_range(std::uint32_t value, std::uint32_t base, int bits) {
  const std::uint32_t mask = bits == 0 ? 0 : ~std::uint32_t{0} << (32 - bits);
  return (value & mask) == base;
}

bool is_private_v4(const boost::asio::ip::address_v4& address) {
  const std::uint32_t v = address.to_uint();
  return in_v4_range(v, 0x00000000, 8)      // 0.0.0.0/8: this network, unspecified
         || in_v4_range(v, 0x0A000000, 8)   // 10.0.0.0/8
         || in_v4_range(v, 0x64400000, 10)  // 100.64.0.0/10: shared address space
         || in_v4_range(v, 0x7F000000, 8)   // 127.0.0.0/8: loopback
         || in_v4_range(v, 0xA9FE0000, 16)  // 169.254.0.0/16: link-local
         || in_v4_range(v, 0xAC100000, 12)  // 172.16.0.0/12
         || in_v4_range(v, 0xC0000000, 24)  // 192.0.0.0/24: IETF protocol assignments
         || in_v4_range(v, 0xC0A80000, 16)  // 192.168.0.0/16
         || in_v4_range(v, 0xC6120000, 15)  // 198.18.0.0/15: benchmarking
         || in_v4_range(v, 0xE0000000, 4)   // 224.0.0.0/4: multicast
         || in_v4_range(v, 0xF0000000, 4);  // 240.0.0.0/4: reserved, broadcast
}

bool is_private_v6(const boost::asio::ip::address_v6& address) {
  if (address.is_v4_mapped()) {
    return is_private_v4(address.to_v4());
  }
  const auto bytes = address.to_bytes();
  bool upper_zero = true;  // ::/96 holds ::, ::1 and the deprecated IPv4-compatible form
  for (int i = 0; i < 12; ++i) {
    upper_zero = upper_zero && bytes[i] == 0;
  }
  if (upper_zero) {
    return true;
  }
  if (bytes[0] == 0x00 && bytes[1] == 0x64 && bytes[2] == 0xFF && bytes[3] == 0x9B) {
    // 64:ff9b::/96, NAT64: judged by the IPv4 address it carries
    bool nat64 = true;
    for (int i = 4; i < 12; ++i) {
      nat64 = nat64 && bytes[i] == 0;
    }
    if (nat64) {
      return is_private_v4(
          boost::asio::ip::address_v4({bytes[12], bytes[13], bytes[14], bytes[15]}));
    }
  }
  return (bytes[0] & 0xFE) == 0xFC                           // fc00::/7: unique local
         || (bytes[0] == 0xFE && (bytes[1] & 0xC0) == 0x80)  // fe80::/10: link-local
         || (bytes[0] == 0xFE && (bytes[1] & 0xC0) == 0xC0)  // fec0::/10: site-local
         || bytes[0] == 0xFF;                                // ff00::/8: multicast
}

}  // namespace

bool is_private_destination(const boost::asio::ip::address& address) {
  return address.is_v4() ? is_private_v4(address.to_v4()) : is_private_v6(address.to_v6());
}

}  // namespace feedd::daemon
