// WebSubOptions from the configuration (see websub_options.h).
#include "daemon/websub/websub_options.h"

#include "daemon/config.h"

namespace feedd::daemon {

WebSubOptions WebSubOptions::from(const Config& config) {
  WebSubOptions options;
  options.hubs = config.websub.hubs;
  options.builtin_hub = config.websub.builtin_hub;
  options.hub_url = config.site.feeds_url + "websub";
  options.feeds_url = config.site.feeds_url;
  options.lease = config.websub.lease;
  options.max_attempts = config.websub.max_attempts;
  options.allow_private_callbacks = config.websub.allow_private_callbacks;
  options.max_subscriptions = config.websub.max_subscriptions;
  return options;
}

}  // namespace feedd::daemon
