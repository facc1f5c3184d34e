#include "daemon/outbound/request_pace.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace feedd::daemon {

RequestPace::RequestPace(std::size_t per_second, std::size_t burst, Clock::time_point now)
    : per_second_(static_cast<double>(per_second)),
      burst_(static_cast<double>(std::max<std::size_t>(burst, 1))),
      batch_(std::clamp<std::size_t>(per_second / 100, 1, 16)),
      tokens_(burst_),
      updated_(now) {}

double RequestPace::tokens_at(Clock::time_point now) const {
  if (per_second_ <= 0) {
    return burst_;
  }
  const double elapsed = std::chrono::duration<double>(now - updated_).count();
  return std::min(burst_, tokens_ + std::max(0.0, elapsed) * per_second_);
}

std::size_t RequestPace::available(Clock::time_point now) {
  if (per_second_ <= 0) {
    return std::numeric_limits<std::size_t>::max();
  }
  tokens_ = tokens_at(now);
  updated_ = std::max(updated_, now);
  return static_cast<std::size_t>(std::floor(tokens_));
}

void RequestPace::take(std::size_t count) {
  if (per_second_ > 0) {
    tokens_ = std::max(0.0, tokens_ - static_cast<double>(count));
  }
}

RequestPace::Clock::time_point RequestPace::when_available(std::size_t count,
                                                           Clock::time_point now) const {
  const double wanted = std::min(burst_, static_cast<double>(count));
  const double missing = wanted - tokens_at(now);
  if (per_second_ <= 0 || missing <= 0) {
    return now;
  }
  return now +
         std::chrono::ceil<Clock::duration>(std::chrono::duration<double>(missing / per_second_));
}

}  // namespace feedd::daemon
