// How fast the outbound client starts background requests (WebSub deliveries and pings).
// Without a pace, a change to a topic with a thousand subscribers is sent as fast as the
// machine allows, and every delivery's TCP work (feedd's, and on loopback the receiver's too)
// comes out of what the serving threads get. RequestPace is a token bucket: at most
// `per_second` starts a second on average, bursts of up to `burst` (a change for a few
// subscribers goes out at once). At WebSub's default 1,500 a second, a thousand subscribers
// have a change within about 0.7 s. A paced queue wakes for a batch of about 10 ms worth of
// starts, not for each one.
#pragma once

#include <chrono>
#include <cstddef>

namespace feedd::daemon {

class RequestPace {
 public:
  using Clock = std::chrono::steady_clock;

  // per_second 0: no pace, everything may start at once.
  RequestPace(std::size_t per_second, std::size_t burst, Clock::time_point now);

  // How many may start at `now` (whole starts, at most the burst; unpaced: any number).
  std::size_t available(Clock::time_point now);
  // `count` started (at most available()).
  void take(std::size_t count);
  // When `count` starts (at most the burst) may begin; `now` if they may now.
  Clock::time_point when_available(std::size_t count, Clock::time_point now) const;
  // The starts worth waking for: about 10 ms worth, 1 to 16.
  std::size_t batch() const { return batch_; }

 private:
  double tokens_at(Clock::time_point now) const;

  const double per_second_;
  const double burst_;
  const std::size_t batch_;
  double tokens_;
  Clock::time_point updated_;  // when tokens_ was right
};

}  // namespace feedd::daemon
