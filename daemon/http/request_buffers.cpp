#include "daemon/http/request_buffers.h"

#include <vector>

namespace feedd::daemon {
namespace {

// Per thread: enough for the requests one thread has in progress at once under load; the
// rest of a burst's buffers are freed when it ends.
constexpr std::size_t kPoolSize = 32;
// Larger buffers are freed rather than pooled: a webhook body or a 16 KiB head is rare.
constexpr std::size_t kPooledBytes = 24 * 1024;

std::size_t heap_bytes(const RequestBuffers& buffers) {
  const RequestHead& request = buffers.request;
  std::size_t bytes = buffers.input.capacity() + buffers.body.capacity() + buffers.head.capacity() +
                      buffers.path.capacity() + request.method.capacity() +
                      request.target.capacity();
  RequestHead::for_each_field(request,
                              [&](const FieldValue& field) { bytes += field.text.capacity(); });
  return bytes;
}

struct Pool {
  Pool() { free.reserve(kPoolSize); }
  std::vector<std::unique_ptr<RequestBuffers>> free;
};

thread_local Pool t_pool;

}  // namespace

std::unique_ptr<RequestBuffers> RequestBuffers::take() {
  auto& free = t_pool.free;
  if (free.empty()) {
    return std::make_unique<RequestBuffers>();
  }
  auto buffers = std::move(free.back());
  free.pop_back();
  return buffers;
}

void RequestBuffers::give(std::unique_ptr<RequestBuffers> buffers) {
  if (buffers == nullptr) {
    return;
  }
  auto& free = t_pool.free;
  if (free.size() >= kPoolSize || heap_bytes(*buffers) > kPooledBytes) {
    return;  // freed
  }
  buffers->input.clear();
  buffers->response.clear();
  free.push_back(std::move(buffers));
}

}  // namespace feedd::daemon
