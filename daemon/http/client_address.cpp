#include "daemon/http/client_address.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <functional>

#include "daemon/http/http_syntax.h"

namespace feedd::daemon {
namespace {

bool in_range(const ClientAddress& address, const ClientAddress& network, int bits) {
  for (int i = 0; i < 16 && bits > 0; ++i, bits -= 8) {
    const auto mask = static_cast<unsigned char>(bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff);
    if ((address[i] & mask) != (network[i] & mask)) {
      return false;
    }
  }
  return true;
}

// A client that names itself with something that is no address: one of its own.
ClientAddress address_of_text(std::string_view text) {
  ClientAddress address{};
  address[0] = 0x01;  // 0100::/8 is reserved: no real address collides
  const std::size_t hash = std::hash<std::string_view>{}(text);
  std::memcpy(address.data() + 8, &hash, std::min(sizeof hash, std::size_t{8}));
  return address;
}

}  // namespace

std::optional<ClientAddress> parse_client_address(std::string_view text) {
  char buffer[INET6_ADDRSTRLEN + 1];
  if (text.empty() || text.size() >= sizeof buffer) {
    return std::nullopt;
  }
  std::memcpy(buffer, text.data(), text.size());
  buffer[text.size()] = '\0';
  ClientAddress address{};
  in_addr v4{};
  if (inet_pton(AF_INET, buffer, &v4) == 1) {
    address[10] = 0xff;
    address[11] = 0xff;
    std::memcpy(address.data() + 12, &v4, 4);
    return address;
  }
  if (inet_pton(AF_INET6, buffer, address.data()) == 1) {
    return address;
  }
  return std::nullopt;
}

boost::system::result<TrustedProxies, std::string> TrustedProxies::parse(
    const std::vector<std::string>& entries) {
  TrustedProxies proxies;
  for (const std::string& entry : entries) {
    const std::size_t slash = entry.find('/');
    auto address = parse_client_address(std::string_view(entry).substr(0, slash));
    if (!address) {
      return entry;
    }
    const bool v4 = std::all_of(address->begin(), address->begin() + 10,
                                [](unsigned char b) { return b == 0; }) &&
                    (*address)[10] == 0xff && (*address)[11] == 0xff &&
                    entry.find(':') == std::string::npos;
    int bits = 128;
    if (slash != std::string::npos) {
      const std::string_view digits = std::string_view(entry).substr(slash + 1);
      int prefix = -1;
      auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
      if (ec != std::errc{} || end != digits.data() + digits.size() || prefix < 0 ||
          prefix > (v4 ? 32 : 128)) {
        return entry;
      }
      bits = v4 ? 96 + prefix : prefix;
    }
    proxies.ranges_.push_back(Range{*address, bits});
  }
  return proxies;
}

bool TrustedProxies::trusts(const ClientAddress& address) const {
  return std::any_of(ranges_.begin(), ranges_.end(), [&](const Range& range) {
    return in_range(address, range.network, range.prefix_bits);
  });
}

ClientAddress TrustedProxies::client_of(const ClientAddress& peer,
                                        std::optional<std::string_view> x_forwarded_for) const {
  if (!x_forwarded_for || ranges_.empty() || !trusts(peer)) {
    return peer;
  }
  std::string_view rest = *x_forwarded_for;
  std::optional<ClientAddress> leftmost;
  while (!rest.empty()) {
    const std::size_t comma = rest.rfind(',');
    const std::string_view entry =
        http_syntax::trim_ows(comma == std::string_view::npos ? rest : rest.substr(comma + 1));
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(0, comma);
    if (entry.empty()) {
      continue;
    }
    const auto address = parse_client_address(entry);
    if (!address) {
      return address_of_text(entry);
    }
    if (!trusts(*address)) {
      return *address;
    }
    leftmost = address;
  }
  return leftmost.value_or(peer);
}

}  // namespace feedd::daemon
