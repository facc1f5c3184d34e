// Who a client is for polite polling (SPEC "Polite polling"): its IP address from the socket,
// or, when that peer is one of server.trusted_proxies, the right-most X-Forwarded-For entry
// that is not a trusted proxy. Addresses are 16 bytes (IPv4 as IPv4-mapped IPv6). Parsing
// the configuration may fail (a value, naming the bad entry); everything else is pure,
// thread-safe, allocation-free and never throws.
#pragma once

#include <array>
#include <boost/system/result.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace feedd::daemon {

using ClientAddress = std::array<unsigned char, 16>;

// "192.0.2.1", "2001:db8::1" (no brackets, no port); nullopt for anything else.
std::optional<ClientAddress> parse_client_address(std::string_view text);

class TrustedProxies {
 public:
  TrustedProxies() = default;
  // Addresses and CIDR ranges ("127.0.0.1", "10.0.0.0/8", "::1", "fd00::/8"). On failure
  // the error's message... see the returned string: the first entry that is neither.
  static boost::system::result<TrustedProxies, std::string> parse(
      const std::vector<std::string>& entries);

  bool empty() const { return ranges_.empty(); }
  bool trusts(const ClientAddress& address) const;

  // The client behind `peer` (see the header comment). An X-Forwarded-For entry that is not
  // an address stands for a client of its own (a digest of its text); when every entry is a
  // trusted proxy, the left-most one is the client.
  ClientAddress client_of(const ClientAddress& peer,
                          std::optional<std::string_view> x_forwarded_for) const;

 private:
  struct Range {
    ClientAddress network{};
    int prefix_bits = 128;
  };
  std::vector<Range> ranges_;
};

}  // namespace feedd::daemon
