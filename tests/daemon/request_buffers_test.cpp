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

namespace {

// Gives back buffers that `grow` made large, after small ones: true when the large ones were
// freed (the next take() gets the small ones), not pooled.
template <typename Grow>
bool large_buffers_are_freed(Grow grow) {
  auto big = RequestBuffers::take();
  auto small = RequestBuffers::take();
  grow(*big);
  RequestBuffers* const big_address = big.get();
  RequestBuffers* const small_address = small.get();
  RequestBuffers::give(std::move(small));
  RequestBuffers::give(std::move(big));
  auto taken = RequestBuffers::take();
  const bool freed = taken.get() == small_address && taken.get() != big_address;
  RequestBuffers::give(std::move(taken));
  return freed;
}

}  // namespace

BOOST_AUTO_TEST_CASE(buffers_grown_by_a_large_body_are_freed_not_pooled) {
  BOOST_TEST(large_buffers_are_freed([](RequestBuffers& big) {
    big.body.assign(1 << 20, 'b');  // a webhook body at hooks.max_body
  }));
}

// Every field value counts, the rare ones too: a head with a 30 KiB If-Match is a large one.
BOOST_AUTO_TEST_CASE(buffers_grown_by_any_large_field_are_freed_not_pooled) {
  RequestHead probe;
  std::size_t fields = 0;
  RequestHead::for_each_field(probe, [&](FieldValue&) { ++fields; });
  for (std::size_t i = 0; i < fields; ++i) {
    BOOST_TEST_CONTEXT("field " << i) {
      BOOST_TEST(large_buffers_are_freed([&](RequestBuffers& big) {
        std::size_t at = 0;
        RequestHead::for_each_field(big.request, [&](FieldValue& value) {
          if (at++ == i) {
            value.text.assign(30 * 1024, 'v');
          }
        });
      }));
    }
  }
  BOOST_TEST(fields == 14u);  // the eight fields the router reads and kWebhookFields' six
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace feedd::daemon
