#include "daemon/hooks/webhook_endpoint.h"

#include <condition_variable>
#include <thread>

#include "daemon/hooks/hook_command.h"
#include "daemon/log.h"

namespace feedd::daemon {
namespace {

constexpr std::string_view kWebhookChannel = "webhook";
// A burst of hooks (a push to several branches, a sender's retries) is one job: the worker
// waits until no hook came for this long before it runs.
constexpr std::chrono::milliseconds kQuiet{250};

}  // namespace

// One thread that runs queued jobs; a job queued while another is queued joins it.
struct WebhookEndpoint::Worker {
  std::mutex mutex;
  std::condition_variable wake;
  bool queued = false;
  bool stopping = false;
  std::string reason;
  std::jthread thread;
};

WebhookEndpoint::WebhookEndpoint(std::string secret, std::vector<std::string> command,
                                 std::chrono::seconds command_timeout, Rescan rescan)
    : rescan_(std::move(rescan)),
      secret_(std::move(secret)),
      command_(std::move(command)),
      command_timeout_(command_timeout),
      worker_(std::make_unique<Worker>()) {
  worker_->thread = std::jthread([this] {
    auto& w = *worker_;
    while (true) {
      std::string reason;
      {
        std::unique_lock lock(w.mutex);
        w.wake.wait(lock, [&] { return w.queued || w.stopping; });
        // Every new hook notifies; keep waiting while they keep coming.
        while (!w.stopping && w.wake.wait_for(lock, kQuiet) != std::cv_status::timeout) {
        }
        if (w.stopping) {
          return;
        }
        w.queued = false;  // hooks arriving from now on get a job of their own
        reason = std::move(w.reason);
      }
      std::vector<std::string> command;
      std::chrono::seconds timeout{};
      {
        std::lock_guard lock(mutex_);
        command = command_;
        timeout = command_timeout_;
      }
      if (!command.empty()) {
        HookCommandOptions options;
        options.timeout = timeout;
        auto result = run_hook_command(command, options);
        std::string text = "hooks.command " + command.front() + ": " + result.summary();
        if (result.succeeded()) {
          log::info(kWebhookChannel, text);
        } else {
          log::error(kWebhookChannel, text + "; rescanning anyway");
        }
        if (!result.output.empty()) {
          log::info(kWebhookChannel, "hooks.command output:\n" + result.output);
        }
      }
      rescan_(reason);
    }
  });
}

WebhookEndpoint::~WebhookEndpoint() {
  {
    std::lock_guard lock(worker_->mutex);
    worker_->stopping = true;
  }
  worker_->wake.notify_all();
  worker_->thread = {};  // joins
}

void WebhookEndpoint::set_secret(std::string secret, std::vector<std::string> command,
                                 std::chrono::seconds command_timeout) {
  std::lock_guard lock(mutex_);
  secret_ = std::move(secret);
  command_ = std::move(command);
  command_timeout_ = command_timeout;
}

void WebhookEndpoint::queue_job(const std::string& delivery) {
  bool joined = false;
  {
    std::lock_guard lock(worker_->mutex);
    joined = worker_->queued;
    worker_->queued = true;
    worker_->reason = "webhook" + (delivery.empty() ? std::string() : " " + delivery);
  }
  worker_->wake.notify_one();
  if (joined) {
    log::info(kWebhookChannel, "a rescan is already queued; this hook joins it");
  }
}

HookAnswer WebhookEndpoint::handle(const WebhookHeaders& headers, std::string_view body) {
  std::string secret;
  {
    std::lock_guard lock(mutex_);
    secret = secret_;
  }
  if (secret.empty()) {
    // Nothing can verify a signature: every request is unsigned to us (401), nothing runs.
    return {401,
            "{\"status\":\"refused\",\"reason\":\"webhooks not configured (hooks.secret)\"}\n"};
  }
  auto check = check_webhook(headers, body, secret, std::chrono::system_clock::now(), guard_);
  HookAnswer answer{webhook_http_status(check.verdict), webhook_response_body(check)};
  std::string who = check.delivery_id.empty() ? "" : " (delivery " + check.delivery_id + ")";
  if (!check.accepted()) {
    log::warning(kWebhookChannel, "refused" + who + ": " + std::string(check.reason));
  } else if (check.verdict == WebhookVerdict::ping) {
    log::info(kWebhookChannel, "ping" + who);
  } else {
    log::info(kWebhookChannel, "accepted" + who);
    queue_job(check.delivery_id);
  }
  return answer;
}

}  // namespace feedd::daemon
