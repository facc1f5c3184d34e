// Hex and base64 (RFC 4648 §10 test vectors) both ways, and the strict decoders' refusals.
#include "common/encoding.h"

#include <boost/test/unit_test.hpp>
#include <string>

namespace feedd::daemon {
BOOST_AUTO_TEST_SUITE(encoding)

namespace {

BOOST_AUTO_TEST_CASE(hex_round_trip) {
  std::string bytes("\x00\x01\x7f\x80\xff", 5);
  BOOST_TEST(common::hex_encode(bytes) == "00017f80ff");
  BOOST_TEST(common::hex_decode("00017f80ff").value() == bytes);
  BOOST_TEST(common::hex_decode("00017F80FF").value() == bytes);
  BOOST_TEST(common::hex_encode("") == "");
  BOOST_TEST(common::hex_decode("").value() == "");
}

BOOST_AUTO_TEST_CASE(hex_refuses_malformed_text) {
  BOOST_TEST(!common::hex_decode("0"));
  BOOST_TEST(!common::hex_decode("0g"));
  BOOST_TEST(!common::hex_decode(" 00"));
  BOOST_TEST(!common::hex_decode("0x00"));
}

BOOST_AUTO_TEST_CASE(base64_rfc4648_vectors) {
  const std::pair<std::string_view, std::string_view> vectors[] = {
      {"", ""},
      {"f", "Zg=="},
      {"fo", "Zm8="},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="},
      {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"},
  };
  for (auto [plain, encoded] : vectors) {
    BOOST_TEST(common::base64_encode(plain) == encoded);
    BOOST_TEST(common::base64_decode(encoded).value() == plain);
  }
  std::string all;
  for (int i = 0; i < 256; ++i) {
    all += static_cast<char>(i);
  }
  BOOST_TEST(common::base64_decode(common::base64_encode(all)).value() == all);
  BOOST_TEST(common::base64_encode("\xfb\xff") == "+/8=");
}

BOOST_AUTO_TEST_CASE(base64_refuses_malformed_text) {
  BOOST_TEST(!common::base64_decode("Zg"));        // padding missing
  BOOST_TEST(!common::base64_decode("Zg="));       // length not a multiple of 4
  BOOST_TEST(!common::base64_decode("Z==="));      // three pads
  BOOST_TEST(!common::base64_decode("Zg==Zg=="));  // padding inside
  BOOST_TEST(!common::base64_decode("Zh=="));      // non-zero bits under the padding
  BOOST_TEST(!common::base64_decode("Zm9-"));      // base64url alphabet
  BOOST_TEST(!common::base64_decode("Zm9v\n"));
  BOOST_TEST(!common::base64_decode("Zg=a"));
}

// RFC 4648 §10 vectors in the URL-safe alphabet, unpadded (the ETags use it).
BOOST_AUTO_TEST_CASE(base64url_is_unpadded_and_url_safe) {
  BOOST_TEST(common::base64url_encode("") == "");
  BOOST_TEST(common::base64url_encode("f") == "Zg");
  BOOST_TEST(common::base64url_encode("fo") == "Zm8");
  BOOST_TEST(common::base64url_encode("foo") == "Zm9v");
  BOOST_TEST(common::base64url_encode("foob") == "Zm9vYg");
  BOOST_TEST(common::base64url_encode(std::string("\xfb\xff\xbf", 3)) == "-_-_");
  BOOST_TEST(common::base64_encode(std::string("\xfb\xff\xbf", 3)) == "+/+/");
  BOOST_TEST(common::base64_encode("fo") == "Zm8=");
  BOOST_TEST(common::base64_encode("f") == "Zg==");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace feedd::daemon
