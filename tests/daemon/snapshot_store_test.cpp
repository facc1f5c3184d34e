// SnapshotStore under contention: reader threads load() and read whole snapshots while a
// writer publishes hundreds of new ones. Every reader sees a consistent snapshot (its bytes
// name its own generation), generations never go backwards for a reader, and a snapshot a
// reader still holds stays intact after it was replaced. Run under ThreadSanitizer in
// .ci/run (build/tsan), where a race on a snapshot's contents or lifetime fails the suite.
#include "daemon/http/snapshot_store.h"

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/generation_snapshot.h"

namespace feedd::daemon {
BOOST_AUTO_TEST_SUITE(snapshot_store_test)

namespace {

using testing::generation_snapshot;

// What one reader saw; checked on the main thread (Boost.Test is not thread-safe).
struct ReaderLog {
  std::uint64_t loads = 0;
  std::uint64_t distinct = 0;  // generations seen
  std::uint64_t last = 0;
  std::vector<std::string> problems;
};

// Loads and reads snapshots until it has seen generation `until` (or `deadline` passed),
// raising `seen` to the newest generation it read.
void read_until(const SnapshotStore& store, std::uint64_t until, std::atomic<std::uint64_t>& seen,
                std::chrono::steady_clock::time_point deadline, ReaderLog& log) {
  while (log.last < until && std::chrono::steady_clock::now() < deadline) {
    const auto held = store.load();
    const std::uint64_t generation = held->generation();
    if (generation < log.last) {
      log.problems.push_back("generation went back from " + std::to_string(log.last) + " to " +
                             std::to_string(generation));
    }
    log.distinct += generation != log.last ? 1 : 0;
    log.last = generation;
    ++log.loads;
    const feeds::Resource* resource = held->find("/g.txt");
    const feeds::Representation* identity =
        resource == nullptr ? nullptr : resource->get(feeds::Coding::identity);
    if (identity == nullptr || testing::generation_named_by(identity->body) != generation ||
        identity->body.size() != testing::generation_body(generation).size()) {
      log.problems.push_back("snapshot " + std::to_string(generation) + " has other bytes");
    }
    std::uint64_t newest = seen.load();
    while (newest < generation && !seen.compare_exchange_weak(newest, generation)) {
    }
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(readers_see_whole_snapshots_in_order_while_a_writer_swaps_them) {
  constexpr std::uint64_t kLast = 200;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  SnapshotStore store(generation_snapshot(1));
  const auto kept = store.load();  // held across every swap below
  std::atomic<std::uint64_t> seen{0};
  std::vector<ReaderLog> logs(4);
  std::vector<std::thread> readers;
  for (auto& log : logs) {
    readers.emplace_back([&] { read_until(store, kLast, seen, deadline, log); });
  }
  // Each generation is published once a reader has read the one before (a positive signal,
  // so readers and the writer overlap however the threads are scheduled), and is built
  // while the readers run.
  bool in_step = true;
  for (std::uint64_t generation = 2; generation <= kLast && in_step; ++generation) {
    auto next = generation_snapshot(generation);
    while (seen.load() < generation - 1 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::yield();
    }
    in_step = seen.load() >= generation - 1;
    store.publish(std::move(next));  // the store's copy is now the only one
  }
  for (auto& reader : readers) {
    reader.join();
  }
  BOOST_REQUIRE_MESSAGE(in_step, "no reader read generation " << seen.load() + 1 << " in 60 s");
  std::uint64_t distinct = 0;
  for (const auto& log : logs) {
    BOOST_TEST(log.problems.empty(), (log.problems.empty() ? "" : log.problems.front()));
    BOOST_TEST(log.last == kLast, "a reader stopped at generation " << log.last);
    distinct += log.distinct;
  }
  BOOST_TEST(distinct >= kLast, "the readers saw " << distinct << " generations in all");
  // The first snapshot outlived 199 swaps because this test held it.
  BOOST_TEST(kept->generation() == 1u);
  BOOST_TEST(kept->find("/g.txt")->get(feeds::Coding::identity)->body ==
             testing::generation_body(1));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace feedd::daemon
