// The webhook secret as configured: hooks.secret, or the contents of hooks.secret_file (e.g.
// a systemd credential, /run/credentials/feedd.service/webhook-secret). Read at start-up and on
// SIGHUP. Thread-safe (no shared state). An unreadable file is an error value (errno's code);
// an empty result means no secret, which refuses every webhook.
#pragma once

#include <boost/system/result.hpp>
#include <filesystem>
#include <string>
#include <string_view>

namespace feedd::daemon {

// `secret_file` wins when both are given. Trailing whitespace (a newline left by `echo`) is
// removed from either; files larger than 64 KiB are refused (errc::file_too_large).
boost::system::result<std::string> read_webhook_secret(std::string_view secret,
                                                       const std::filesystem::path& secret_file);

}  // namespace feedd::daemon
