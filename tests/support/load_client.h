// Load for concurrency tests: client threads that send requests in turn on kept-alive
// connections and record every answer, for assertions made afterwards on the main thread.
// Each ClientLog is written by its one client thread and read after join().
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace feedd::testing {

// One client thread's view: every answer's status, ETag and body as they came, plus the
// errors that ended a connection. Written by its thread, read after join().
struct ClientLog {
  struct Answer {
    int status = 0;
    std::string etag;
    std::string body;
  };
  std::vector<Answer> answers;
  std::vector<std::string> errors;
  int connections = 0;
};

// Sends `requests` in turn on kept-alive connections to 127.0.0.1:port until `stop`, opening
// a new connection every `per_connection` requests (0: one connection throughout), and
// counts each answer in `answered`.
void run_client(std::uint16_t port, const std::vector<std::string>& requests,
                std::size_t per_connection, const std::atomic<bool>& stop,
                std::atomic<std::uint64_t>& answered, ClientLog& log);

// A GET request for `target` with extra header lines (each ending in CRLF).
std::string get_request(std::string_view target, std::string_view headers = "");

// Waits until `answered` grew past `from`: the clients are running at this moment.
bool clients_answered_since(const std::atomic<std::uint64_t>& answered, std::uint64_t from);

}  // namespace feedd::testing
