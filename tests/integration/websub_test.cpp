// WebSub against a real `feedd serve`, with a subscriber and an external hub played by
// scripted servers on loopback: discovery (Link headers, hub links in Atom, RSS and JSON
// Feed, topic feeds included); publish pings exactly once per changed feed, retried after a
// 500; the built-in hub's subscribe -> verify -> deliver with a correct signature; a wrong
// challenge, an unknown topic, unsubscribe, 410 Gone, lease expiry, a restart that keeps
// subscriptions, the SSRF refusal, a callback that never answers delaying nobody, one that
// failed sent to as suspect after the next change, one delivery of a topic at a time, and
// dead callbacks holding only a share of the sending window, outcomes whose write met a
// storage error written again, not sent again, and changes, lease ends and confirmed
// subscriptions that met one done a few seconds later.
// Every wait is for a positive signal: a request arriving, a /metrics series reaching a value.
#include <SQLiteCpp/SQLiteCpp.h>

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <map>
#include <mutex>
#include <set>
#include <vector>

#include "common/encoding.h"
#include "common/hmac.h"
#include "tests/support/feedd_process.h"
#include "tests/support/scripted_server.h"
#include "tests/support/test_support.h"

namespace feedd::testing {
BOOST_AUTO_TEST_SUITE(websub_test)

namespace {

namespace http = boost::beast::http;
using Kind = ScriptedReply::Kind;
constexpr std::string_view kSite = "https://blog.example.org";

struct Reply {
  unsigned status = 0;
  std::map<std::string, std::string> headers;  // lower-case names; repeated ones joined ", "
  std::string body;
};

Reply request(int port, http::verb method, const std::string& target,
              const std::string& body = {}) {
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket(io);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), static_cast<std::uint16_t>(port)});
  http::request<http::string_body> message{method, target, 11};
  message.set(http::field::host, "127.0.0.1");
  message.set(http::field::connection, "close");
  if (method == http::verb::post) {
    message.set(http::field::content_type, "application/x-www-form-urlencoded");
    message.body() = body;
    message.prepare_payload();
  }
  http::write(socket, message);
  boost::beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 << 20);
  http::read(socket, buffer, parser);
  Reply reply;
  reply.status = parser.get().result_int();
  for (const auto& field : parser.get()) {
    std::string name(field.name_string());
    std::transform(name.begin(), name.end(), name.begin(), ::tolower);
    auto& value = reply.headers[name];
    value += (value.empty() ? "" : ", ") + std::string(field.value());
  }
  reply.body = parser.get().body();
  return reply;
}

// The value of a /metrics series (name with labels), -1 when absent.
long long series(int port, const std::string& name) {
  return metric_sample(request(port, http::verb::get, "/metrics").body, name);
}

bool series_reaches(int port, const std::string& name, long long value) {
  return eventually([&] { return series(port, name) >= value; });
}

// The decoded value of `name` in a request target's query ("" when absent).
std::string query_param(const std::string& target, const std::string& name) {
  const auto query = target.find('?');
  if (query == std::string::npos) {
    return {};
  }
  std::string rest = target.substr(query + 1);
  while (!rest.empty()) {
    const auto end = rest.find('&');
    const std::string pair = rest.substr(0, end);
    rest = end == std::string::npos ? "" : rest.substr(end + 1);
    if (pair.starts_with(name + "=")) {
      return common::percent_decode(pair.substr(name.size() + 1)).value_or("<bad>");
    }
  }
  return {};
}

std::string path_of(const std::string& target) { return target.substr(0, target.find('?')); }

std::string form(std::initializer_list<std::pair<std::string, std::string>> fields) {
  std::string out;
  for (const auto& [name, value] : fields) {
    out += out.empty() ? "" : "&";
    out += name + "=";
    common::append_percent_encoded(out, value, common::is_unreserved);
  }
  return out;
}

std::string post(const std::string& title, const std::string& lang, const std::string& extra = "") {
  return "---\ntitle: " + title + "\ndate: 2025-01-01\nlang: " + lang + "\n" + extra +
         "---\nText of " + title + ".\n";
}

// A subscriber: echoes the challenge of a verification (except at /wrong), answers
// deliveries 204 (410 at /gone; never at /hang).
ScriptedReply subscriber(const ScriptedRequest& request) {
  const std::string path = path_of(request.target);
  if (request.method == "GET") {
    const bool wrong = path == "/wrong";
    return ScriptedReply::of(
        200, wrong ? "not the challenge" : query_param(request.target, "hub.challenge"));
  }
  if (path == "/hang") {
    return ScriptedReply::hang();
  }
  return ScriptedReply::of(path == "/gone" ? 410u : 204u);
}

struct WebSubFixture {
  TempDir dir;
  std::filesystem::path store = dir / "posts";
  std::unique_ptr<FeeddProcess> feedd;
  int port = 0;
  std::string websub;
  int starts = 0;  // each start logs to a file of its own (its port line)

  WebSubFixture() {
    write_file(store / "ja.md", post("日本語の記事", "ja"));
    write_file(store / "en.md", post("English post", "en", "tags: [news]\n"));
  }

  void start(const std::string& websub_keys) {
    websub = websub_keys;
    restart();
  }
  void restart() {
    feedd.reset();
    auto config =
        write_config(dir.path(), store, dir / "index.sqlite",
                     "rescan_s = 0\n[server]\nlisten = [\"127.0.0.1:0\"]\n[websub]\n" + websub);
    feedd =
        std::make_unique<FeeddProcess>(config, dir / ("serve" + std::to_string(starts++) + ".log"));
    port = feedd->wait_for_port();
    BOOST_REQUIRE_MESSAGE(port > 0, feedd->log());
  }
  void stop() {
    feedd->signal(SIGTERM);
    BOOST_REQUIRE(feedd->wait_exit(std::chrono::seconds(30)) == 0);
  }
  Reply subscribe(const std::string& mode, const std::string& callback, const std::string& topic,
                  const std::string& extra = "") {
    return request(
        port, http::verb::post, "/websub",
        form({{"hub.mode", mode}, {"hub.topic", topic}, {"hub.callback", callback}}) + extra);
  }
  // Starts the built-in hub (private callbacks allowed) with `callback` subscribed to the
  // English Atom feed and verified; that feed's URL.
  std::string start_with_subscriber(const std::string& callback) {
    start("builtin_hub = true\nallow_private_callbacks = true\n");
    const std::string topic = std::string(kSite) + "/en/atom.xml";
    BOOST_TEST(subscribe("subscribe", callback, topic).status == 202u);
    FEEDD_REQUIRE_AFTER(series_reaches(port, "feedd_websub_intents_total{result=\"verified\"}", 1),
                        feedd->log());
    return topic;
  }
  bool logs_eventually(const std::string& text) {
    return eventually([&] { return feedd->log().find(text) != std::string::npos; });
  }
};

const std::set<std::string> kEnglishChanges = {"/en/atom.xml",
                                               "/en/rss.xml",
                                               "/en/feed.json",
                                               "/atom.xml",
                                               "/rss.xml",
                                               "/feed.json",
                                               "/en/tags/news/atom.xml",
                                               "/en/tags/news/rss.xml",
                                               "/en/tags/news/feed.json",
                                               "/tags/news/atom.xml",
                                               "/tags/news/rss.xml",
                                               "/tags/news/feed.json"};

}  // namespace

// One process with an external hub and the built-in one, private callbacks refused.
BOOST_FIXTURE_TEST_CASE(discovery_publishing_and_ssrf_refusal, WebSubFixture) {
  std::atomic<int> seen{0};
  ScriptedServer hub([&](const ScriptedRequest&) {
    return ScriptedReply::of(seen++ == 0 ? 500u : 204u);  // the first ping fails
  });
  start("hubs = [\"" + hub.url("/hub") + "\"]\nbuiltin_hub = true\n");
  const std::string external = "<" + hub.url("/hub") + ">; rel=\"hub\"";
  const std::string builtin = "<" + std::string(kSite) + "/websub>; rel=\"hub\"";

  Reply atom = request(port, http::verb::get, "/en/atom.xml");
  BOOST_TEST(atom.headers["link"] == external + ", " + builtin + ", <" + std::string(kSite) +
                                         "/en/atom.xml>; rel=\"self\"");
  BOOST_TEST(atom.body.find("<link rel=\"hub\" href=\"" + hub.url("/hub") + "\"") !=
             std::string::npos);
  BOOST_TEST(atom.body.find("<link rel=\"hub\" href=\"https://blog.example.org/websub\"") !=
             std::string::npos);
  Reply rss = request(port, http::verb::get, "/rss.xml");
  BOOST_TEST(rss.body.find("<atom:link rel=\"hub\" href=\"https://blog.example.org/websub\"") !=
             std::string::npos);
  BOOST_TEST(rss.headers["link"].find("<https://blog.example.org/rss.xml>; rel=\"self\"") !=
             std::string::npos);
  Reply json = request(port, http::verb::get, "/ja/feed.json");
  BOOST_TEST(json.body.find("\"hubs\": [") != std::string::npos);
  BOOST_TEST(json.body.find("\"type\": \"WebSub\",\n      \"url\": \"" + hub.url("/hub") + "\"") !=
             std::string::npos);
  Reply topic = request(port, http::verb::get, "/en/tags/news/atom.xml");
  BOOST_TEST(topic.headers["link"].find(
                 "<https://blog.example.org/en/tags/news/atom.xml>; rel=\"self\"") !=
             std::string::npos);
  BOOST_TEST(topic.body.find("rel=\"hub\"") != std::string::npos);
  BOOST_TEST(request(port, http::verb::get, "/").headers.count("link") == 0u);

  // An edit of the English post: one ping per changed feed, the failed one retried.
  write_file(store / "en.md", post("English post, edited", "en", "tags: [news]\n"));
  FEEDD_REQUIRE_AFTER(series_reaches(port, "feedd_websub_publish_total{result=\"ok\"}",
                                     static_cast<long>(kEnglishChanges.size())),
                      feedd->log());
  BOOST_TEST(series(port, "feedd_websub_publish_total{result=\"failed\"}") == 1);
  std::multiset<std::string> pinged;
  for (const auto& ping : hub.requests()) {
    BOOST_TEST(ping.method == "POST");
    BOOST_TEST(ping.header("Content-Type") == "application/x-www-form-urlencoded");
    BOOST_TEST(query_param("?" + ping.body, "hub.mode") == "publish");
    pinged.insert(query_param("?" + ping.body, "hub.url").substr(kSite.size()));
  }
  BOOST_TEST(pinged.size() == kEnglishChanges.size() + 1);  // + the retry
  for (const auto& path : kEnglishChanges) {
    BOOST_TEST(pinged.count(path) >= 1u, path);
  }
  BOOST_TEST(std::set<std::string>(pinged.begin(), pinged.end()) == kEnglishChanges);

  // The built-in hub refuses a callback on loopback (allow_private_callbacks = false).
  ScriptedServer reader(subscriber);
  Reply refused = subscribe("subscribe", reader.url("/cb"), std::string(kSite) + "/en/atom.xml");
  BOOST_TEST(refused.status == 202u);
  FEEDD_CHECK_AFTER(series_reaches(port, "feedd_websub_intents_total{result=\"refused\"}", 1),
                    feedd->log());
  BOOST_TEST(reader.connections() == 0u);
  BOOST_TEST(series(port, "feedd_outbound_refused_total") == 1);
}

// Pings and deliveries are paced (websub.max_deliveries_per_s, after a burst of 64): 8 hubs
// × 12 changed feeds = 96 pings at 8 a second. Whatever the machine's speed, the n-th ping
// (from 0) cannot arrive before (n - 63) / 8 s after the edit: the last one not before 4.1 s,
// where unpaced they all went out within a fraction of a second.
BOOST_FIXTURE_TEST_CASE(pings_are_paced, WebSubFixture) {
  std::mutex mutex;
  std::vector<std::chrono::steady_clock::time_point> arrivals;
  ScriptedServer hub([&](const ScriptedRequest&) {
    const std::lock_guard lock(mutex);
    arrivals.push_back(std::chrono::steady_clock::now());
    return ScriptedReply::of(204);
  });
  std::string hubs;
  for (int i = 0; i < 8; ++i) {
    hubs += (hubs.empty() ? "\"" : ", \"") + hub.url("/hub" + std::to_string(i)) + "\"";
  }
  start("hubs = [" + hubs + "]\nmax_deliveries_per_s = 8\n");
  const auto edited = std::chrono::steady_clock::now();
  write_file(store / "en.md", post("English post, edited", "en", "tags: [news]\n"));
  const long pings = 8 * static_cast<long>(kEnglishChanges.size());
  FEEDD_REQUIRE_AFTER(series_reaches(port, "feedd_websub_publish_total{result=\"ok\"}", pings),
                      feedd->log());
  const std::lock_guard lock(mutex);
  BOOST_REQUIRE_GE(arrivals.size(), static_cast<std::size_t>(pings));
  for (std::size_t n = 64; n < arrivals.size(); ++n) {
    const double after = std::chrono::duration<double>(arrivals[n] - edited).count();
    const double earliest = static_cast<double>(n - 63) / 8;
    BOOST_TEST(after >= earliest, "ping " << n << " arrived " << after << " s after the edit");
  }
}

// One process with the built-in hub (private callbacks allowed: the subscribers are on
// loopback), restarted once.
BOOST_FIXTURE_TEST_CASE(hub_subscribe_verify_deliver_and_end, WebSubFixture) {
  ScriptedServer reader(subscriber);
  ScriptedServer stuck(subscriber);  // another host: its callback never answers deliveries
  start("builtin_hub = true\nallow_private_callbacks = true\n");
  const std::string topic = std::string(kSite) + "/en/atom.xml";

  BOOST_TEST(request(port, http::verb::post, "/websub", "hub.mode=subscribe&hub.topic").status ==
             400u);
  BOOST_TEST(subscribe("subscribe", "ftp://x/", topic).status == 400u);
  BOOST_TEST(request(port, http::verb::get, "/websub").status == 405u);
  BOOST_TEST(subscribe("subscribe", reader.url("/good"), topic, "&hub.secret=s3cret").status ==
             202u);
  BOOST_TEST(subscribe("subscribe", reader.url("/keep"), topic).status == 202u);
  BOOST_TEST(subscribe("subscribe", reader.url("/gone"), topic).status == 202u);
  BOOST_TEST(subscribe("subscribe", reader.url("/short"), topic, "&hub.lease_seconds=1").status ==
             202u);
  BOOST_TEST(subscribe("subscribe", reader.url("/wrong"), topic).status == 202u);
  BOOST_TEST(
      subscribe("subscribe", reader.url("/denied"), std::string(kSite) + "/nope.xml").status ==
      202u);
  // The news tag's feed, but not as feedd writes it (%6E is n): denied, not confirmed and then
  // never delivered to (deliveries go by the URL of the feed's rel="self").
  BOOST_TEST(subscribe("subscribe", reader.url("/spelling"),
                       std::string(kSite) + "/en/tags/%6Eews/atom.xml")
                 .status == 202u);
  BOOST_TEST(subscribe("subscribe", stuck.url("/hang"), topic).status == 202u);
  FEEDD_REQUIRE_AFTER(series_reaches(port, "feedd_websub_intents_total{result=\"verified\"}", 5),
                      feedd->log());
  FEEDD_REQUIRE_AFTER(series_reaches(port, "feedd_websub_intents_total{result=\"failed\"}", 1),
                      feedd->log());
  FEEDD_REQUIRE_AFTER(series_reaches(port, "feedd_websub_intents_total{result=\"denied\"}", 2),
                      feedd->log());
  BOOST_REQUIRE(reader.wait_for(7));  // five verifications and two denials
  std::map<std::string, ScriptedRequest> checks;
  for (const auto& check : reader.requests()) {
    checks[path_of(check.target)] = check;
  }
  BOOST_TEST(query_param(checks["/good"].target, "hub.mode") == "subscribe");
  BOOST_TEST(query_param(checks["/good"].target, "hub.topic") == topic);
  BOOST_TEST(query_param(checks["/good"].target, "hub.lease_seconds") == "864000");
  BOOST_TEST(query_param(checks["/good"].target, "hub.challenge").size() >= 32u);
  BOOST_TEST(query_param(checks["/short"].target, "hub.lease_seconds") == "1");
  BOOST_TEST(query_param(checks["/denied"].target, "hub.mode") == "denied");
  BOOST_TEST(query_param(checks["/denied"].target, "hub.reason") == "unknown topic");
  BOOST_TEST(query_param(checks["/spelling"].target, "hub.mode") == "denied");
  // The 1 s lease ends by itself.
  FEEDD_REQUIRE_AFTER(series_reaches(port, "feedd_websub_expired_total", 1), feedd->log());
  BOOST_TEST(series(port, "feedd_websub_subscriptions") == 4);  // good, keep, gone, hang

  // An edit: delivered to each active subscriber, signed for the one with a secret; the
  // callback that never answers holds up neither the others nor the feed itself.
  const std::size_t before = reader.requests().size();
  write_file(store / "en.md", post("English post, edited", "en", "tags: [news]\n"));
  FEEDD_REQUIRE_AFTER(series_reaches(port, "feedd_websub_deliveries_total{result=\"ok\"}", 2),
                      feedd->log());
  FEEDD_REQUIRE_AFTER(series_reaches(port, "feedd_websub_deliveries_total{result=\"gone\"}", 1),
                      feedd->log());
  BOOST_TEST(stuck.wait_for(2));  // its verification and the delivery it sits on
  BOOST_TEST(request(port, http::verb::get, "/en/atom.xml").status == 200u);
  std::map<std::string, ScriptedRequest> deliveries;
  const auto all = reader.requests();
  for (std::size_t i = before; i < all.size(); ++i) {
    deliveries[path_of(all[i].target)] = all[i];
  }
  BOOST_TEST_REQUIRE(deliveries.count("/good") == 1u);
  const ScriptedRequest& good = deliveries["/good"];
  BOOST_TEST(good.method == "POST");
  BOOST_TEST(good.body.find("English post, edited") != std::string::npos);
  BOOST_TEST(good.header("Content-Type") == "application/atom+xml; charset=utf-8");
  BOOST_TEST(good.header("Link") ==
             "<https://blog.example.org/websub>; rel=\"hub\", <" + topic + ">; rel=\"self\"");
  const auto mac = common::hmac_sha256("s3cret", good.body);
  BOOST_TEST(good.header("X-Hub-Signature") ==
             "sha256=" + common::hex_encode(common::as_bytes(mac)));
  BOOST_TEST(deliveries["/keep"].header("X-Hub-Signature") == "<absent>");
  BOOST_TEST(deliveries.count("/wrong") == 0u);                 // never verified
  BOOST_TEST(deliveries.count("/short") == 0u);                 // lease over
  BOOST_TEST(series(port, "feedd_websub_subscriptions") == 3);  // 410 ended /gone
  // Settled, the outbox gauge is exact: only the delivery /hang sits on is left.
  FEEDD_CHECK_AFTER(eventually([&] { return series(port, "feedd_websub_outbox") == 1; }),
                    feedd->log());

  // Unsubscribe /good (verified like a subscription).
  BOOST_TEST(subscribe("unsubscribe", reader.url("/good"), topic).status == 202u);
  FEEDD_REQUIRE_AFTER(series_reaches(port, "feedd_websub_intents_total{result=\"verified\"}", 6),
                      feedd->log());
  BOOST_TEST(query_param(reader.requests().back().target, "hub.mode") == "unsubscribe");
  BOOST_TEST(series(port, "feedd_websub_subscriptions") == 2);  // keep, hang

  // A restart keeps the subscriptions: the next edit reaches /keep without a new subscribe.
  stop();
  restart();
  BOOST_TEST(series(port, "feedd_websub_subscriptions") == 2);
  const std::size_t after_restart = reader.requests().size();
  write_file(store / "en.md", post("English post, edited again", "en", "tags: [news]\n"));
  FEEDD_REQUIRE_AFTER(series_reaches(port, "feedd_websub_deliveries_total{result=\"ok\"}", 1),
                      feedd->log());
  const auto later = reader.requests();
  BOOST_TEST_REQUIRE(later.size() == after_restart + 1);
  BOOST_TEST(path_of(later.back().target) == "/keep");
  BOOST_TEST(later.back().body.find("edited again") != std::string::npos);
}

// A callback whose delivery failed is remembered as failing: after the next change its
// delivery goes out as suspect (in the outbound lane of its own, which holds no slot a
// healthy subscriber on the same host needs), though the change starts its attempts anew.
// max_attempts = 1: no retry (itself suspect) can stand in for that delivery.
BOOST_FIXTURE_TEST_CASE(a_callback_that_failed_is_sent_to_as_suspect_after_the_next_change,
                        WebSubFixture) {
  ScriptedServer reader([](const ScriptedRequest& request) {
    if (request.method == "POST" && path_of(request.target) == "/fail") {
      return ScriptedReply::of(500u);
    }
    return subscriber(request);
  });
  start("builtin_hub = true\nallow_private_callbacks = true\nmax_attempts = 1\n");
  const std::string topic = std::string(kSite) + "/en/atom.xml";
  BOOST_TEST(subscribe("subscribe", reader.url("/fail"), topic).status == 202u);
  BOOST_TEST(subscribe("subscribe", reader.url("/ok"), topic).status == 202u);
  FEEDD_REQUIRE_AFTER(series_reaches(port, "feedd_websub_intents_total{result=\"verified\"}", 2),
                      feedd->log());
  for (int edit = 1; edit <= 2; ++edit) {
    write_file(store / "en.md",
               post("English post, edit " + std::to_string(edit), "en", "tags: [news]\n"));
    FEEDD_REQUIRE_AFTER(
        series_reaches(port, "feedd_websub_deliveries_total{result=\"failed\"}", edit),
        feedd->log());
    FEEDD_REQUIRE_AFTER(series_reaches(port, "feedd_websub_deliveries_total{result=\"ok\"}", edit),
                        feedd->log());
    // The first failure made it suspect; /ok never was.
    BOOST_TEST(series(port, "feedd_outbound_suspect_total") == edit - 1);
  }
}

// A change while a delivery to a callback is still running: the next delivery of that topic
// to that callback waits for the first to end (feedd_websub_waited_total), so the subscriber
// never has two at once and the newer feed arrives last.
BOOST_FIXTURE_TEST_CASE(a_callback_gets_one_delivery_of_a_topic_at_a_time, WebSubFixture) {
  struct Gate {
    std::mutex mutex;
    std::condition_variable changed;
    bool open = false;
    int arrived = 0, running = 0, most = 0;
    void release() {
      {
        std::lock_guard lock(mutex);
        open = true;
      }
      changed.notify_all();
    }
  } gate;
  ScriptedServer reader([&gate](const ScriptedRequest& request) {
    if (request.method == "POST") {  // held until the gate opens
      std::unique_lock lock(gate.mutex);
      ++gate.arrived;
      gate.most = std::max(gate.most, ++gate.running);
      gate.changed.notify_all();
      gate.changed.wait_for(lock, std::chrono::seconds(20), [&] { return gate.open; });
      --gate.running;
    }
    return subscriber(request);
  });
  struct OpenAtEnd {  // a failing check must not leave a handler waiting
    Gate& gate;
    ~OpenAtEnd() { gate.release(); }
  } open_at_end{gate};
  start("builtin_hub = true\nallow_private_callbacks = true\n");
  const std::string topic = std::string(kSite) + "/en/atom.xml";
  BOOST_TEST(subscribe("subscribe", reader.url("/slow"), topic).status == 202u);
  FEEDD_REQUIRE_AFTER(series_reaches(port, "feedd_websub_intents_total{result=\"verified\"}", 1),
                      feedd->log());
  write_file(store / "en.md", post("English post, first edit", "en", "tags: [news]\n"));
  {
    std::unique_lock lock(gate.mutex);
    BOOST_TEST_REQUIRE(
        gate.changed.wait_for(lock, std::chrono::seconds(20), [&] { return gate.arrived == 1; }));
  }
  write_file(store / "en.md", post("English post, second edit", "en", "tags: [news]\n"));
  // Either signal: the second delivery waits (counted), or it arrived beside the first.
  FEEDD_REQUIRE_AFTER(eventually([&] {
                        {
                          std::lock_guard lock(gate.mutex);
                          if (gate.arrived >= 2) {
                            return true;
                          }
                        }
                        return series(port, "feedd_websub_waited_total") >= 1;
                      }),
                      feedd->log());
  gate.release();
  FEEDD_REQUIRE_AFTER(series_reaches(port, "feedd_websub_deliveries_total{result=\"ok\"}", 2),
                      feedd->log());
  std::vector<std::string> bodies;
  for (const auto& seen : reader.requests()) {
    if (seen.method == "POST") {
      bodies.push_back(seen.body);
    }
  }
  BOOST_TEST_REQUIRE(bodies.size() == 2u);
  BOOST_TEST(bodies[0].find("first edit") != std::string::npos);
  BOOST_TEST(bodies[1].find("second edit") != std::string::npos);
  BOOST_TEST(series(port, "feedd_websub_waited_total") == 1);
  std::lock_guard lock(gate.mutex);
  BOOST_TEST(gate.most == 1);
}

// Callbacks known to fail hold only a share of the hub's sending window (256 claimed items):
// 300 of them on one host, answering 500 once and then never, are each sent to one at a time
// (up to 10 s each) after the next change. Without the share they would fill the window and a
// healthy subscriber after them would wait for the first of them to time out; with it, the
// healthy one is delivered while every dead one still hangs, and the rest wait in the outbox,
// marked, neither claimed nor given back (feedd_websub_deferred_total).
BOOST_FIXTURE_TEST_CASE(dead_callbacks_do_not_fill_the_sending_window, WebSubFixture) {
  constexpr int kDead = 300;
  std::atomic<bool> hang{false};
  ScriptedServer reader([&hang](const ScriptedRequest& request) {
    if (request.method == "POST" && path_of(request.target).starts_with("/dead")) {
      return hang ? ScriptedReply::hang() : ScriptedReply::of(500u);
    }
    return subscriber(request);
  });
  start("builtin_hub = true\nallow_private_callbacks = true\nmax_attempts = 1\n");
  const std::string topic = std::string(kSite) + "/en/atom.xml";
  for (int i = 0; i < kDead; ++i) {  // "/dead..." sorts before "/ok": claimed first
    const std::string callback = reader.url("/dead" + std::to_string(1000 + i));
    BOOST_TEST_REQUIRE(subscribe("subscribe", callback, topic).status == 202u);
  }
  BOOST_TEST_REQUIRE(subscribe("subscribe", reader.url("/ok"), topic).status == 202u);
  FEEDD_REQUIRE_AFTER(
      series_reaches(port, "feedd_websub_intents_total{result=\"verified\"}", kDead + 1),
      feedd->log());
  write_file(store / "en.md", post("English post, first edit", "en", "tags: [news]\n"));
  FEEDD_REQUIRE_AFTER(
      series_reaches(port, "feedd_websub_deliveries_total{result=\"failed\"}", kDead),
      feedd->log());
  FEEDD_REQUIRE_AFTER(series_reaches(port, "feedd_websub_deliveries_total{result=\"ok\"}", 1),
                      feedd->log());
  // The first change's rows are gone (written after their 50 ms batch), so the second
  // change's rows are new ones in callback order: "/ok" is claimed last.
  FEEDD_REQUIRE_AFTER(eventually([&] { return series(port, "feedd_websub_outbox") == 0; }),
                      feedd->log());
  hang = true;
  write_file(store / "en.md", post("English post, second edit", "en", "tags: [news]\n"));
  FEEDD_REQUIRE_AFTER(series_reaches(port, "feedd_websub_deliveries_total{result=\"ok\"}", 2),
                      feedd->log());
  // No dead delivery of the second change has ended: the healthy one did not wait for them.
  BOOST_TEST(series(port, "feedd_websub_deliveries_total{result=\"failed\"}") == kDead);
  BOOST_TEST(series(port, "feedd_websub_deferred_total") == 0);
}

// Retries (suspect) over their share of the sending window wait in the outbox until an attempt
// of the share ends: never claimed and given back, which cost two writes per retry every few
// seconds while a backlog of dead callbacks lasted. So do the next change's first deliveries
// to those callbacks (a change starts their attempts at 0 again): marked as to callbacks that
// failed, they wait in the same lane.
BOOST_FIXTURE_TEST_CASE(retries_over_their_share_wait_unclaimed, WebSubFixture) {
  constexpr int kDead = 100;  // more than the suspect share (32)
  ScriptedServer reader([](const ScriptedRequest& request) {
    if (request.method == "POST" && path_of(request.target).starts_with("/dead")) {
      return ScriptedReply::of(500u);
    }
    return subscriber(request);
  });
  start("builtin_hub = true\nallow_private_callbacks = true\nmax_attempts = 3\n");
  const std::string topic = std::string(kSite) + "/en/atom.xml";
  for (int i = 0; i < kDead; ++i) {
    BOOST_TEST_REQUIRE(
        subscribe("subscribe", reader.url("/dead" + std::to_string(1000 + i)), topic).status ==
        202u);
  }
  FEEDD_REQUIRE_AFTER(
      series_reaches(port, "feedd_websub_intents_total{result=\"verified\"}", kDead), feedd->log());
  write_file(store / "en.md", post("English post, first edit", "en", "tags: [news]\n"));
  // Each delivery tried three times (two retries), then dropped.
  FEEDD_REQUIRE_AFTER(
      series_reaches(port, "feedd_websub_deliveries_total{result=\"dropped\"}", kDead),
      feedd->log());
  BOOST_TEST(series(port, "feedd_websub_deliveries_total{result=\"failed\"}") >= 3 * kDead);
  BOOST_TEST(series(port, "feedd_websub_deferred_total") == 0);
  FEEDD_REQUIRE_AFTER(eventually([&] { return series(port, "feedd_websub_outbox") == 0; }),
                      feedd->log());
  write_file(store / "en.md", post("English post, second edit", "en", "tags: [news]\n"));
  FEEDD_REQUIRE_AFTER(
      series_reaches(port, "feedd_websub_deliveries_total{result=\"dropped\"}", 2 * kDead),
      feedd->log());
  BOOST_TEST(series(port, "feedd_websub_deferred_total") == 0);
}

// The write of an ended delivery's outcome meets a storage error: another process holds the
// state file's write lock (taken by the subscriber as it answers) past feedd's busy timeout.
// The outcome is kept and written once the lock is gone, so the row leaves the outbox then:
// not sent again when its claim's lease (2 minutes) ends, and counted once.
BOOST_FIXTURE_TEST_CASE(an_outcome_whose_write_fails_is_written_later, WebSubFixture) {
  std::mutex mutex;
  std::unique_ptr<SQLite::Database> holder;  // guarded by mutex
  bool held = false;
  ScriptedServer reader([&](const ScriptedRequest& request) {
    if (request.method == "POST") {
      const std::lock_guard lock(mutex);
      if (!held) {
        holder->exec("BEGIN IMMEDIATE");
        held = true;
      }
    }
    return subscriber(request);
  });
  start_with_subscriber(reader.url("/cb"));
  {
    const std::lock_guard lock(mutex);
    holder = std::make_unique<SQLite::Database>((dir / "index-websub.sqlite").string(),
                                                SQLite::OPEN_READWRITE);
    holder->setBusyTimeout(20000);
  }
  write_file(store / "en.md", post("English post, edited", "en", "tags: [news]\n"));
  FEEDD_REQUIRE_AFTER(logs_eventually("recording sent notifications"), feedd->log());
  {
    const std::lock_guard lock(mutex);
    holder->exec("ROLLBACK");
  }
  FEEDD_REQUIRE_AFTER(eventually([&] { return series(port, "feedd_websub_outbox") == 0; }),
                      feedd->log());
  BOOST_TEST(series(port, "feedd_websub_deliveries_total{result=\"ok\"}") == 1);
  std::size_t posts = 0;
  for (const auto& seen : reader.requests()) {
    posts += seen.method == "POST" ? 1 : 0;
  }
  BOOST_TEST(posts == 1u);
}

// A claim that meets a storage error (the state file's write lock held elsewhere past feedd's
// busy timeout; here at a start, with a delivery left pending by the last run) is tried again
// a few seconds later: the delivery goes out once the lock is gone, though no change and no
// ending attempt comes to wake the outbox.
BOOST_FIXTURE_TEST_CASE(a_claim_that_fails_is_tried_again, WebSubFixture) {
  ScriptedServer reader(subscriber);
  const std::string topic = start_with_subscriber(reader.url("/cb"));
  stop();
  SQLite::Database holder((dir / "index-websub.sqlite").string(), SQLite::OPEN_READWRITE);
  SQLite::Statement pending(holder,
                            "INSERT INTO websub_outbox (kind, target, topic, attempts, due_ms, "
                            "generation) VALUES (1, ?, ?, 0, 0, 0)");  // a delivery due long ago
  pending.bind(1, reader.url("/cb"));
  pending.bind(2, topic);
  BOOST_TEST_REQUIRE(pending.exec() == 1);
  holder.exec("BEGIN IMMEDIATE");
  restart();
  FEEDD_REQUIRE_AFTER(logs_eventually("database is locked"), feedd->log());
  holder.exec("ROLLBACK");
  FEEDD_REQUIRE_AFTER(series_reaches(port, "feedd_websub_deliveries_total{result=\"ok\"}", 1),
                      feedd->log());
  const auto seen = reader.requests();
  BOOST_TEST_REQUIRE(!seen.empty());
  BOOST_TEST(seen.back().method == "POST");
  BOOST_TEST(seen.back().body.find("English post") != std::string::npos);
}

// A change whose pings and deliveries cannot be queued (the state file's write lock held
// elsewhere past feedd's busy timeout) is kept and queued again a few seconds later, together
// with a change made meanwhile: once the lock is gone the hub gets a ping for every feed
// either change touched, and the subscriber the edited feed, with no further change to wake
// them.
BOOST_FIXTURE_TEST_CASE(a_change_that_cannot_be_queued_is_queued_later, WebSubFixture) {
  ScriptedServer hub([](const ScriptedRequest&) { return ScriptedReply::of(204u); });
  ScriptedServer reader(subscriber);
  start("hubs = [\"" + hub.url("/hub") +
        "\"]\nbuiltin_hub = true\nallow_private_callbacks = true\n");
  const std::string topic = std::string(kSite) + "/en/atom.xml";
  BOOST_TEST_REQUIRE(subscribe("subscribe", reader.url("/cb"), topic).status == 202u);
  FEEDD_REQUIRE_AFTER(series_reaches(port, "feedd_websub_intents_total{result=\"verified\"}", 1),
                      feedd->log());
  SQLite::Database holder((dir / "index-websub.sqlite").string(), SQLite::OPEN_READWRITE);
  holder.exec("BEGIN IMMEDIATE");
  write_file(store / "en.md", post("English post, edited", "en", "tags: [news]\n"));
  FEEDD_REQUIRE_AFTER(logs_eventually("queueing notifications"), feedd->log());
  write_file(store / "ja.md", post("日本語の記事、編集", "ja"));
  FEEDD_REQUIRE_AFTER(eventually([&] {
                        return request(port, http::verb::get, "/ja/atom.xml").body.find("編集") !=
                               std::string::npos;
                      }),
                      feedd->log());
  holder.exec("ROLLBACK");
  std::set<std::string> changed = kEnglishChanges;
  // The Japanese edit changes the root feeds too, which the English one did already.
  changed.insert({"/ja/atom.xml", "/ja/rss.xml", "/ja/feed.json"});
  FEEDD_REQUIRE_AFTER(series_reaches(port, "feedd_websub_publish_total{result=\"ok\"}",
                                     static_cast<long>(changed.size())),
                      feedd->log());
  FEEDD_REQUIRE_AFTER(series_reaches(port, "feedd_websub_deliveries_total{result=\"ok\"}", 1),
                      feedd->log());
  std::set<std::string> pinged;
  for (const auto& ping : hub.requests()) {
    pinged.insert(query_param("?" + ping.body, "hub.url").substr(kSite.size()));
  }
  BOOST_TEST(pinged == changed);
  const auto seen = reader.requests();
  BOOST_TEST_REQUIRE(!seen.empty());
  BOOST_TEST(seen.back().method == "POST");
  BOOST_TEST(seen.back().body.find("English post, edited") != std::string::npos);
}

// The end of a lease whose expiry meets a storage error (the state file's write lock held
// elsewhere past feedd's busy timeout) is tried again a few seconds later: the subscription
// ends once the lock is gone, with no other subscription or change to arm the lease timer.
BOOST_FIXTURE_TEST_CASE(a_lease_whose_expiry_fails_ends_later, WebSubFixture) {
  ScriptedServer reader(subscriber);
  start("builtin_hub = true\nallow_private_callbacks = true\n");
  const std::string topic = std::string(kSite) + "/en/atom.xml";
  // Long enough for the lock to be taken before it ends, even in a sanitizer build.
  BOOST_TEST_REQUIRE(
      subscribe("subscribe", reader.url("/short"), topic, "&hub.lease_seconds=6").status == 202u);
  FEEDD_REQUIRE_AFTER(series_reaches(port, "feedd_websub_intents_total{result=\"verified\"}", 1),
                      feedd->log());
  SQLite::Database holder((dir / "index-websub.sqlite").string(), SQLite::OPEN_READWRITE);
  holder.exec("BEGIN IMMEDIATE");
  FEEDD_REQUIRE_AFTER(logs_eventually("expiring leases"), feedd->log());
  BOOST_TEST(series(port, "feedd_websub_expired_total") == 0);
  holder.exec("ROLLBACK");
  FEEDD_REQUIRE_AFTER(series_reaches(port, "feedd_websub_expired_total", 1), feedd->log());
  BOOST_TEST(series(port, "feedd_websub_subscriptions") == 0);
}

// The write of a confirmed subscription meets a storage error (the state file's write lock held
// elsewhere past feedd's busy timeout): it is kept and written a few seconds later, so the
// subscriber, which answered the challenge, is subscribed and gets the next change.
BOOST_FIXTURE_TEST_CASE(a_confirmed_subscription_whose_write_fails_is_written_later,
                        WebSubFixture) {
  ScriptedServer reader(subscriber);
  start("builtin_hub = true\nallow_private_callbacks = true\n");
  const std::string topic = std::string(kSite) + "/en/atom.xml";
  SQLite::Database holder((dir / "index-websub.sqlite").string(), SQLite::OPEN_READWRITE);
  holder.exec("BEGIN IMMEDIATE");
  BOOST_TEST_REQUIRE(subscribe("subscribe", reader.url("/cb"), topic).status == 202u);
  FEEDD_REQUIRE_AFTER(logs_eventually("recording a subscription"), feedd->log());
  BOOST_TEST(series(port, "feedd_websub_intents_total{result=\"verified\"}") == 0);
  holder.exec("ROLLBACK");
  FEEDD_REQUIRE_AFTER(series_reaches(port, "feedd_websub_intents_total{result=\"verified\"}", 1),
                      feedd->log());
  BOOST_TEST(series(port, "feedd_websub_subscriptions") == 1);
  write_file(store / "en.md", post("English post, edited", "en", "tags: [news]\n"));
  FEEDD_REQUIRE_AFTER(series_reaches(port, "feedd_websub_deliveries_total{result=\"ok\"}", 1),
                      feedd->log());
  const auto seen = reader.requests();
  BOOST_TEST_REQUIRE(seen.size() == 2u);  // the challenge (once), the delivery
  BOOST_TEST(seen.back().method == "POST");
  BOOST_TEST(seen.back().body.find("English post, edited") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace feedd::testing
