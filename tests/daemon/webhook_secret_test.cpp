// The webhook secret from the configuration or from a (credential) file.
#include "daemon/hooks/webhook_secret.h"

#include <boost/test/unit_test.hpp>

#include "tests/support/test_support.h"

namespace feedd::daemon {
BOOST_AUTO_TEST_SUITE(webhook_secret)

namespace {

BOOST_AUTO_TEST_CASE(inline_secret_is_used_when_there_is_no_file) {
  BOOST_TEST(read_webhook_secret("s3cret", {}).value() == "s3cret");
  BOOST_TEST(read_webhook_secret("", {}).value() == "");
}

BOOST_AUTO_TEST_CASE(file_wins_and_loses_its_trailing_newline) {
  testing::TempDir dir;
  testing::write_file(dir / "webhook-secret", "from file \t\r\n");
  BOOST_TEST(read_webhook_secret("inline", dir / "webhook-secret").value() == "from file");
  testing::write_file(dir / "binary", std::string("a\0b\n", 4));
  BOOST_TEST(read_webhook_secret("", dir / "binary").value() == std::string("a\0b", 3));
  testing::write_file(dir / "empty", "");
  BOOST_TEST(read_webhook_secret("inline", dir / "empty").value() == "");
}

BOOST_AUTO_TEST_CASE(unreadable_or_huge_files_are_errors) {
  testing::TempDir dir;
  auto missing = read_webhook_secret("", dir / "missing");
  BOOST_REQUIRE(missing.has_error());
  BOOST_TEST((missing.error() == std::errc::no_such_file_or_directory));
  BOOST_TEST(read_webhook_secret("", dir.path()).has_error());  // a directory
  testing::write_file(dir / "huge", std::string(100'000, 'x'));
  auto huge = read_webhook_secret("", dir / "huge");
  BOOST_REQUIRE(huge.has_error());
  BOOST_TEST((huge.error() == std::errc::file_too_large));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace feedd::daemon
