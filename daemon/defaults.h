// Defaults that more than one component starts from: the configuration (config.h) and the
// components it configures (the HTTP server's options, the request parser's limits) take
// them from here, so a default is written once. Constants only.
#pragma once

#include <chrono>
#include <cstdint>

namespace feedd::daemon::defaults {

// server.timeout_s: the deadline for a whole request, and for each response write.
inline constexpr std::chrono::seconds kServerTimeout{30};
// Request line and header fields together (not configurable): larger heads are 431.
inline constexpr std::uint32_t kHeaderLimit = 16 * 1024;
// server.max_age_s: Cache-Control max-age of feeds and pages.
inline constexpr int kMaxAgeSeconds = 300;
// hooks.max_body: the largest request body accepted (webhooks are the only bodies).
inline constexpr std::uint64_t kMaxBody = 1024 * 1024;

}  // namespace feedd::daemon::defaults
