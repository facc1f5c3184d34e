// RequestBuffers' per-thread pool: a keep-alive request reuses the buffers the previous one
// gave back (no allocation), and buffers grown by a large request are freed, not pooled.
#include "daemon/http/request_buffers.h"

#include <boost/test/unit_test.hpp>
#include <string>

namespace feedd::daemon {

BOOST_AUTO_TEST_SUITE(request_buffers_test)

BOOST_AUTO_TEST_CASE(given_back_buffers_are_taken_again_with_their_capacity) {
  auto buffers = RequestBuffers::take();
  buffers->head.assign(300, 'h');
  buffers->input.commit(boost::asio::buffer_copy(buffers->input.prepare(1024),
                                                 boost::asio::buffer(std::string(100, 'x'))));
  RequestBuffers* const address = buffers.get();
  const std::size_t capacity = buffers->head.capacity();
  RequestBuffers::give(std::move(buffers));
  auto again = RequestBuffers::take();
  BOOST_TEST(again.get() == address);
  BOOST_TEST(again->head.capacity() == capacity);  // kept: serializing needs no allocation
  BOOST_TEST(again->input.size() == 0u);           // but nothing of the last request
  RequestBuffers::give(std::move(again));
}

BOOST_AUTO_TEST_CASE(buffers_grown_by_a_large_body_are_freed_not_pooled) {
  auto big = RequestBuffers::take();
  auto small = RequestBuffers::take();
  big->body.assign(1 << 20, 'b');  // a webhook body at hooks.max_body
  RequestBuffers* const big_address = big.get();
  RequestBuffers* const small_address = small.get();
  RequestBuffers::give(std::move(small));
  RequestBuffers::give(std::move(big));  // freed
  auto taken = RequestBuffers::take();
  BOOST_TEST(taken.get() == small_address);
  BOOST_TEST(taken.get() != big_address);
  RequestBuffers::give(std::move(taken));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace feedd::daemon
