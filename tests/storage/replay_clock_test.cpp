// ReplayClock answers again the files whose history moved once asked to (a held scan that is
// rolled back must not lose them), and otherwise passes its clock's answers through.
#include "storage/history/replay_clock.h"

#include <boost/test/unit_test.hpp>

namespace feedd::storage {
BOOST_AUTO_TEST_SUITE(replay_clock_test)

namespace {

// Answers each list of `moved` once, in turn, then nothing.
class ScriptedClock : public ChangeClock {
 public:
  explicit ScriptedClock(std::vector<std::vector<std::string>> moved) : moved_(std::move(moved)) {}
  StoreTime last_change(const std::string&, const std::string&,
                        const std::optional<std::string>&) override {
    return {StoreTime::Source::commit, std::chrono::sys_seconds(std::chrono::seconds(42))};
  }
  std::vector<std::string> moved_since_last_call() override {
    if (next_ >= moved_.size()) {
      return {};
    }
    return moved_[next_++];
  }

 private:
  std::vector<std::vector<std::string>> moved_;
  std::size_t next_ = 0;
};

using Paths = std::vector<std::string>;

}  // namespace

BOOST_AUTO_TEST_CASE(moved_files_are_answered_again_after_replay) {
  ScriptedClock inner({{"a.md"}, {"b.md"}});
  ReplayClock clock(inner);
  BOOST_TEST(clock.moved_since_last_call() == Paths{"a.md"});
  clock.replay();  // that scan was rolled back
  BOOST_TEST((clock.moved_since_last_call() == Paths{"a.md", "b.md"}));
  BOOST_TEST(clock.moved_since_last_call() == Paths{}, "committed: not again");
  clock.replay();
  BOOST_TEST(clock.moved_since_last_call() == Paths{}, "the last answer was empty");
  BOOST_TEST(clock.last_change("a.md", "a", std::nullopt).at.time_since_epoch().count() == 42);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace feedd::storage
