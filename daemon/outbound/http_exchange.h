// One outgoing HTTP/1.1 exchange, used by HttpClient: resolve (SSRF-checked), connect, TLS
// when https, write the request, read the size-capped response, each phase with its deadline.
// A coroutine on the caller's executor; `abort` is set to a function that closes the
// connection at once (call it only on that executor, only while the coroutine runs).
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <functional>

#include "daemon/outbound/http_client.h"
#include "daemon/outbound/outbound_url.h"

namespace feedd::daemon {

boost::asio::awaitable<OutboundResult> http_exchange(const OutboundUrl& url,
                                                     const OutboundRequest& request,
                                                     const ClientOptions& options,
                                                     boost::asio::ssl::context& tls,
                                                     std::function<void()>& abort);

}  // namespace feedd::daemon
