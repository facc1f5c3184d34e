// What WebSubService is asked to do: the external hubs to ping, whether feedd is a hub itself,
// and the limits of its leases, retries and subscriptions. A plain value, made once at start
// from [websub] and [site] (WebSubOptions::from) or by a test.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace feedd::daemon {

struct Config;

struct WebSubOptions {
  std::vector<std::string> hubs;  // external hubs to ping
  bool builtin_hub = false;
  std::string hub_url;    // the built-in hub's URL (feeds_url + "websub")
  std::string feeds_url;  // topics are feeds_url + path
  std::chrono::seconds lease{864000};
  int max_attempts = 8;
  bool allow_private_callbacks = false;
  std::size_t max_subscriptions = 10000;
  std::chrono::milliseconds first_retry{1000};  // then doubled per attempt, at most an hour

  static WebSubOptions from(const Config& config);
  bool enabled() const { return builtin_hub || !hubs.empty(); }
};

}  // namespace feedd::daemon
