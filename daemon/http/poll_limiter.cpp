#include "daemon/http/poll_limiter.h"

#include <algorithm>
#include <array>
#include <bit>
#include <functional>
#include <limits>

namespace feedd::daemon {
namespace {

constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();
constexpr std::size_t kShards = 16;

std::size_t hash_of(const ClientAddress& client) {
  return std::hash<std::string_view>{}(
      std::string_view(reinterpret_cast<const char*>(client.data()), client.size()));
}

}  // namespace

// One part of the clients: a fixed pool of nodes, a hash table of chains over them and a
// least-recently-seen list. Guarded by `mutex`.
struct PollLimiter::Shard {
  struct Slot {
    std::uint64_t path = 0;  // hash of the path; 0: empty
    std::int64_t at = 0;     // steady ticks of the fetch, in ms
  };
  struct Node {
    ClientAddress client{};
    std::uint32_t newer = kNone, older = kNone, chain = kNone;
    std::array<Slot, kPathsPerClient> slots{};
  };

  explicit Shard(std::size_t capacity)
      : nodes(capacity), buckets(std::bit_ceil(capacity * 2), kNone) {}

  std::mutex mutex;
  std::vector<Node> nodes;
  std::vector<std::uint32_t> buckets;
  std::uint32_t used = 0;  // nodes[0, used) hold clients
  std::uint32_t newest = kNone, oldest = kNone;

  std::uint32_t& bucket_of(const ClientAddress& client) {
    return buckets[hash_of(client) & (buckets.size() - 1)];
  }
  void unlink(std::uint32_t i) {
    Node& node = nodes[i];
    (node.newer == kNone ? newest : nodes[node.newer].older) = node.older;
    (node.older == kNone ? oldest : nodes[node.older].newer) = node.newer;
    node.newer = node.older = kNone;
  }
  void push_newest(std::uint32_t i) {
    nodes[i].older = newest;
    if (newest != kNone) {
      nodes[newest].newer = i;
    }
    newest = i;
    if (oldest == kNone) {
      oldest = i;
    }
  }
  // The node of `client`, made the most recently seen; a new one (the oldest forgotten when
  // the pool is full) when it has none.
  Node& find_or_add(const ClientAddress& client) {
    std::uint32_t& head = bucket_of(client);
    for (std::uint32_t i = head; i != kNone; i = nodes[i].chain) {
      if (nodes[i].client == client) {
        unlink(i);
        push_newest(i);
        return nodes[i];
      }
    }
    std::uint32_t i = used;
    if (used < nodes.size()) {
      ++used;
    } else {
      i = oldest;
      unlink(i);
      std::uint32_t* link = &bucket_of(nodes[i].client);
      while (*link != i) {
        link = &nodes[*link].chain;
      }
      *link = nodes[i].chain;
    }
    nodes[i] = Node{};
    nodes[i].client = client;
    nodes[i].chain = head;
    head = i;
    push_newest(i);
    return nodes[i];
  }
};

PollLimiter::PollLimiter(std::chrono::seconds min_interval, std::size_t capacity)
    : min_interval_(min_interval) {
  const std::size_t shards = std::min(kShards, std::max<std::size_t>(capacity, 1));
  for (std::size_t i = 0; i < shards; ++i) {
    // The first shards take the remainder: `capacity` clients in all.
    shards_.push_back(std::make_unique<Shard>(capacity / shards + (i < capacity % shards ? 1 : 0)));
  }
}

PollLimiter::~PollLimiter() = default;

std::uint32_t PollLimiter::check(const ClientAddress& client, std::string_view path,
                                 Clock::time_point now) {
  const std::uint64_t path_hash = std::hash<std::string_view>{}(path) | 1;  // never 0
  const std::int64_t at =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  const std::int64_t interval =
      std::chrono::duration_cast<std::chrono::milliseconds>(min_interval_).count();
  Shard& shard = *shards_[(hash_of(client) >> 7) % shards_.size()];
  const std::lock_guard lock(shard.mutex);
  Shard::Node& node = shard.find_or_add(client);
  Shard::Slot* slot = nullptr;
  for (Shard::Slot& candidate : node.slots) {
    if (candidate.path == path_hash) {
      slot = &candidate;
      break;
    }
  }
  if (slot != nullptr && at - slot->at < interval) {
    const std::int64_t wait_ms = interval - (at - slot->at);
    return static_cast<std::uint32_t>((wait_ms + 999) / 1000);
  }
  if (slot == nullptr) {  // a new path: in an empty slot, else in place of the oldest
    slot = &*std::min_element(
        node.slots.begin(), node.slots.end(), [](const Shard::Slot& a, const Shard::Slot& b) {
          return a.path == 0 ? b.path != 0 || a.at < b.at : b.path != 0 && a.at < b.at;
        });
  }
  *slot = Shard::Slot{path_hash, at};
  return 0;
}

}  // namespace feedd::daemon
