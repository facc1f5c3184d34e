// Helpers of the scale-out tests (replicas_test, varnish_test): a keep-alive HTTP/1.1 client
// that sends any method and headers and returns status, headers and body; a crawl of every
// path a feedd serves, found from the links of what it serves; a git repository made with the
// git CLI. Header-only; not thread-safe; failures throw (Boost.Test reports them).
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/test/unit_test.hpp>
#include <deque>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "tests/support/test_support.h"

namespace feedd::testing {

struct Answer {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names; repeated ones joined ", "
  std::string body;
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

class HttpClient {
 public:
  // `source`: the local address to connect from (another loopback address, for ACL tests).
  explicit HttpClient(int port, std::string source = "")
      : port_(port), source_(std::move(source)) {}

  Answer request(const std::string& method, const std::string& target,
                 const std::vector<std::pair<std::string, std::string>>& fields = {},
                 const std::string& host = "blog.example.org") {
    namespace http = boost::beast::http;
    for (int attempt = 0;; ++attempt) {
      try {
        connect();
        http::request<http::string_body> req{http::string_to_verb(method), target, 11};
        if (req.method() == http::verb::unknown) {
          req.method_string(method);
        }
        req.set(http::field::host, host);
        for (const auto& [name, value] : fields) {
          req.set(name, value);
        }
        http::write(*socket_, req);
        http::response_parser<http::string_body> parser;
        parser.body_limit(64 * 1024 * 1024);
        parser.skip(method == "HEAD");
        http::read(*socket_, buffer_, parser);
        auto res = parser.release();
        Answer answer;
        answer.status = static_cast<int>(res.result_int());
        for (const auto& field : res) {
          std::string name(field.name_string());
          std::transform(name.begin(), name.end(), name.begin(), ::tolower);
          auto& slot = answer.headers[name];
          slot += (slot.empty() ? "" : ", ") + std::string(field.value());
        }
        answer.body = std::move(res.body());
        if (!res.keep_alive()) {
          socket_.reset();
        }
        return answer;
      } catch (const boost::system::system_error&) {
        socket_.reset();  // the server closed an idle connection: once more on a new one
        if (attempt > 0) {
          throw;
        }
      }
    }
  }
  Answer get(const std::string& target,
             const std::vector<std::pair<std::string, std::string>>& fields = {}) {
    return request("GET", target, fields);
  }

 private:
  void connect() {
    if (socket_) {
      return;
    }
    socket_ = std::make_unique<boost::asio::ip::tcp::socket>(io_);
    if (!source_.empty()) {
      socket_->open(boost::asio::ip::tcp::v4());
      socket_->bind({boost::asio::ip::make_address(source_), 0});
    }
    socket_->connect(
        {boost::asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port_)});
    buffer_.clear();
  }
  int port_;
  std::string source_;
  boost::asio::io_context io_;
  std::unique_ptr<boost::asio::ip::tcp::socket> socket_;
  boost::beast::flat_buffer buffer_;
};

// Every path below `site` ("https://blog.example.org/") reachable from "/" through the links
// of what the server answers (absolute links in feeds and OPML, relative ones in pages),
// sorted; "/feed.css" and "/healthz" too.
inline std::vector<std::string> crawl(HttpClient& client, const std::string& site) {
  const std::regex absolute(std::regex_replace(site, std::regex(R"([.])"), R"(\.)") +
                            R"(([^"'<>\s)]*))");
  const std::regex relative(R"re((?:href|src)="([^":#?][^"#]*)")re");
  std::set<std::string> seen = {"/", "/feed.css", "/healthz"};
  std::deque<std::string> queue(seen.begin(), seen.end());
  auto add = [&](std::string found) {
    if (seen.size() < 500 && seen.insert(found).second) {
      queue.push_back(std::move(found));
    }
  };
  while (!queue.empty()) {
    auto path = queue.front();
    queue.pop_front();
    auto answer = client.get(path, {{"Accept-Encoding", "identity"}});
    const std::string& body = answer.body;
    for (std::sregex_iterator it(body.begin(), body.end(), absolute), end; it != end; ++it) {
      add("/" + (*it)[1].str());
    }
    const std::string dir = path.substr(0, path.rfind('/') + 1);
    for (std::sregex_iterator it(body.begin(), body.end(), relative), end; it != end; ++it) {
      std::string link = (*it)[1].str();
      if (link.starts_with("//") || link.find("://") != std::string::npos) {
        continue;
      }
      add(link.starts_with("/") ? link : dir + link);
    }
  }
  return {seen.begin(), seen.end()};
}

// A child process (argv, no shell) with stdout and stderr in `log`; SIGKILLed and reaped on
// destruction unless stopped before.
class ChildProcess {
 public:
  ChildProcess(const std::vector<std::string>& argv, const std::filesystem::path& log) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    std::vector<char*> args;
    for (const auto& arg : argv) {
      args.push_back(const_cast<char*>(arg.c_str()));
    }
    args.push_back(nullptr);
    const int error = posix_spawnp(&pid_, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (error != 0) {
      throw std::runtime_error("cannot start " + argv[0]);
    }
  }
  ~ChildProcess() { kill(); }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  void kill() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
      pid_ = -1;
    }
  }

 private:
  pid_t pid_ = -1;
};

// A TCP port on 127.0.0.1 free a moment ago (for a server that cannot be given port 0).
inline int free_port() {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor acceptor(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  return acceptor.local_endpoint().port();
}

// A git work tree in `tree`, committed with fixed committer times.
struct GitTree {
  std::filesystem::path tree;
  void run(std::vector<std::string> args) const {
    std::vector<std::string> argv = {"git",         "-C", tree.string(),   "-c",
                                     "user.name=t", "-c", "user.email=t@t"};
    argv.insert(argv.end(), args.begin(), args.end());
    auto result = run_command(argv);
    BOOST_REQUIRE_MESSAGE(result.exit_status == 0, result.output);
  }
  void commit_all(std::int64_t unix_time) const {
    const std::string date = "@" + std::to_string(unix_time) + " +0000";
    auto result = run_command({"env", "GIT_COMMITTER_DATE=" + date, "git", "-C", tree.string(),
                               "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q",
                               "--date", date, "-m", "change"});
    BOOST_REQUIRE_MESSAGE(result.exit_status == 0, result.output);
  }
  void add_and_commit(std::int64_t unix_time) const {
    run({"add", "-A"});
    commit_all(unix_time);
  }
};

}  // namespace feedd::testing
