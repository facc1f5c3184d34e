// log::format: one prefixed line per line of a message, so that journald gives every line of a
// command's output feedd's priority and channel, and nothing in the output can pose as either.
#include "daemon/log.h"

#include <boost/test/unit_test.hpp>

namespace feedd::daemon::log {
BOOST_AUTO_TEST_SUITE(log_format)

namespace {

BOOST_AUTO_TEST_CASE(one_line_gets_a_journal_priority_or_a_level_name) {
  BOOST_TEST(format(Level::warning, "store", "bad file", true) == "<4>store: bad file\n");
  BOOST_TEST(format(Level::info, "serve", "ready", false) == "info: serve: ready\n");
  BOOST_TEST(format(Level::error, "serve", "", true) == "<3>serve: \n");
}

BOOST_AUTO_TEST_CASE(every_line_of_a_multi_line_message_carries_priority_and_channel) {
  std::string output = "hooks.command output:\nUpdating 1a..2b\n<3>not an error\n\nFast-forward\n";
  BOOST_TEST(format(Level::info, "hooks", output, true) ==
             "<6>hooks: hooks.command output:\n"
             "<6>hooks: | Updating 1a..2b\n"
             "<6>hooks: | <3>not an error\n"
             "<6>hooks: | \n"
             "<6>hooks: | Fast-forward\n");
  BOOST_TEST(format(Level::error, "hooks", "a\nb", false) ==
             "error: hooks: a\nerror: hooks: | b\n");
}

BOOST_AUTO_TEST_CASE(control_characters_become_spaces) {
  BOOST_TEST(format(Level::info, "hooks", "50%\r100%\x1b[0m\tdone", true) ==
             "<6>hooks: 50% 100% [0m\tdone\n");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace feedd::daemon::log
