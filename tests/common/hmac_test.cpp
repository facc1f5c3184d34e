// HMAC-SHA256 against RFC 4231's test vectors (section 4), the incremental form, and the
// constant-time comparison.
#include "common/hmac.h"

#include <boost/test/unit_test.hpp>
#include <string>

#include "common/encoding.h"

namespace feedd::daemon {
BOOST_AUTO_TEST_SUITE(hmac)

namespace {

std::string bytes_of(std::string_view hex) { return common::hex_decode(hex).value(); }

std::string mac_hex(std::string_view key, std::string_view data) {
  return common::hex_encode(common::as_bytes(common::hmac_sha256(key, data)));
}

BOOST_AUTO_TEST_CASE(rfc4231_test_cases_1_to_4) {
  BOOST_TEST(mac_hex(std::string(20, '\x0b'), "Hi There") ==
             "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  BOOST_TEST(mac_hex("Jefe", "what do ya want for nothing?") ==
             "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  BOOST_TEST(mac_hex(std::string(20, '\xaa'), std::string(50, '\xdd')) ==
             "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
  BOOST_TEST(mac_hex(bytes_of("0102030405060708090a0b0c0d0e0f10111213141516171819"),
                     std::string(50, '\xcd')) ==
             "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");
}

BOOST_AUTO_TEST_CASE(rfc4231_test_case_5_truncated_to_128_bits) {
  BOOST_TEST(mac_hex(std::string(20, '\x0c'), "Test With Truncation").substr(0, 32) ==
             "a3b6167473100ee06e0c796c2955552b");
}

BOOST_AUTO_TEST_CASE(rfc4231_test_cases_6_and_7_keys_longer_than_a_block) {
  std::string key(131, '\xaa');
  BOOST_TEST(mac_hex(key, "Test Using Larger Than Block-Size Key - Hash Key First") ==
             "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  BOOST_TEST(mac_hex(key,
                     "This is a test using a larger than block-size key and a larger than "
                     "block-size data. The key needs to be hashed before being used by the HMAC "
                     "algorithm.") ==
             "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
}

BOOST_AUTO_TEST_CASE(empty_key_and_message) {
  BOOST_TEST(mac_hex("", "") == "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

BOOST_AUTO_TEST_CASE(incremental_equals_one_shot) {
  common::Sha256Mac parts = common::HmacSha256("Jefe")
                                .update("what do ya ")
                                .update("")
                                .update("want for nothing?")
                                .finish();
  BOOST_TEST(common::hex_encode(common::as_bytes(parts)) ==
             "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

BOOST_AUTO_TEST_CASE(constant_time_equal_compares_bytes_and_lengths) {
  BOOST_TEST(common::constant_time_equal("", ""));
  BOOST_TEST(common::constant_time_equal("abc", "abc"));
  BOOST_TEST(!common::constant_time_equal("abc", "abd"));
  BOOST_TEST(!common::constant_time_equal("abc", "ab"));
  BOOST_TEST(!common::constant_time_equal("", "a"));
  BOOST_TEST(common::constant_time_equal(std::string("a\0b", 3), std::string("a\0b", 3)));
  BOOST_TEST(!common::constant_time_equal(std::string("a\0b", 3), std::string("a\0c", 3)));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace feedd::daemon
