// POST /hooks/rebuild: verifies the signature (daemon/hooks/webhook_auth.h), refuses replays, and
// for an accepted request queues one job: run hooks.command (if any) on a worker thread, with
// its time limit and its output logged, then ask for a rescan. A burst of hooks while a job is
// queued joins it. handle() is thread-safe and never blocks (it is called on I/O threads);
// set_secret() may be called at any time (SIGHUP). Failures are logged; nothing throws.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/hooks/replay_guard.h"
#include "daemon/hooks/webhook_auth.h"

namespace feedd::daemon {

struct HookAnswer {
  int status = 401;
  std::string body;  // small JSON
};

class WebhookEndpoint {
 public:
  // `rescan` is called (from the worker thread) after the command: it must be thread-safe.
  using Rescan = std::function<void(std::string reason)>;

  WebhookEndpoint(std::string secret, std::vector<std::string> command,
                  std::chrono::seconds command_timeout, Rescan rescan);
  ~WebhookEndpoint();  // waits for a running command
  WebhookEndpoint(const WebhookEndpoint&) = delete;
  WebhookEndpoint& operator=(const WebhookEndpoint&) = delete;

  HookAnswer handle(const WebhookHeaders& headers, std::string_view body);
  void set_secret(std::string secret, std::vector<std::string> command,
                  std::chrono::seconds command_timeout);

 private:
  struct Worker;
  void queue_job(const std::string& delivery);

  ReplayGuard guard_;
  Rescan rescan_;
  mutable std::mutex mutex_;  // guards the three below
  std::string secret_;
  std::vector<std::string> command_;
  std::chrono::seconds command_timeout_;
  std::unique_ptr<Worker> worker_;
};

}  // namespace feedd::daemon
