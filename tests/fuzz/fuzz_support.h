// Shared by the libFuzzer targets in this folder: a CPU-time limit per input, the bilingual
// sample site's reader options, the readers' input precondition, and the invariants every
// ReadResult must keep. A broken invariant or an input over its CPU time aborts with a
// message, which libFuzzer reports as a crash (and saves the input). Header-only; each target
// runs its inputs on one thread.
#pragma once

#include <date/tz.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "common/utf8.h"
#include "storage/readers/post_reader.h"

namespace feedd::fuzz {

// Aborts when one input uses more than 1 s of the calling thread's CPU time. libFuzzer's own
// -timeout is wall-clock time, which a niced run on a busy shared machine exceeds while it
// waits for a CPU; this limit holds there too. Construct one per input; it disarms on exit.
class CpuBudget {
 public:
  CpuBudget() { arm(1); }
  ~CpuBudget() { arm(0); }
  CpuBudget(const CpuBudget&) = delete;
  CpuBudget& operator=(const CpuBudget&) = delete;

 private:
  static void on_expiry(int) {
    static constexpr char kMessage[] = "fuzz: one input used more than 1 s of CPU time\n";
    (void)!::write(STDERR_FILENO, kMessage, sizeof kMessage - 1);
    std::abort();
  }
  static void arm(time_t seconds) {
    static timer_t timer = [] {
      struct sigaction action = {};
      action.sa_handler = &on_expiry;
      sigaction(SIGXCPU, &action, nullptr);
      sigevent event = {};
      event.sigev_notify = SIGEV_SIGNAL;
      event.sigev_signo = SIGXCPU;
      timer_t created{};
      if (timer_create(CLOCK_THREAD_CPUTIME_ID, &event, &created) != 0) {
        std::perror("timer_create");
        std::abort();
      }
      return created;
    }();
    itimerspec limit = {};
    limit.it_value.tv_sec = seconds;
    timer_settime(timer, 0, &limit, nullptr);
  }
};

// The site of etc/feedd.toml: Asia/Tokyo, "ja" by default, "[Eng]"/"[EN]" mark English.
inline const storage::ReaderOptions& sample_reader_options() {
  static const storage::ReaderOptions options = [] {
    storage::ReaderOptions o;
    o.timezone = date::locate_zone("Asia/Tokyo");
    o.default_language = "ja";
    o.languages = {"ja", "en"};
    o.markers = {{"[Eng]", "en"}, {"[EN]", "en"}};
    return o;
  }();
  return options;
}

[[noreturn]] inline void invariant_failed(const char* what, std::string_view detail) {
  std::fprintf(stderr, "fuzz invariant broken: %s: %.*s\n", what,
               static_cast<int>(detail.size() > 200 ? 200 : detail.size()), detail.data());
  std::abort();
}

inline void require_utf8(const char* what, std::string_view text) {
  if (!common::utf8::is_valid(text)) {
    invariant_failed(what, text);
  }
}

// The precondition of the per-format readers (read_post_file checks it before them).
inline bool is_reader_input(std::string_view bytes) {
  return bytes.find('\0') == std::string_view::npos && common::utf8::is_valid(bytes);
}

// Valid UTF-8 in gives valid UTF-8 out (feeds are XML and JSON), every post has a key and a
// language, and every problem names the file.
inline void check_result(const storage::ReadResult& result, std::string_view path) {
  for (const storage::Post& post : result.posts) {
    if (post.key.empty()) {
      invariant_failed("post without key", post.title);
    }
    if (post.lang.empty()) {  // a front-matter lang may name any language; none is a bug
      invariant_failed("post without language", post.title);
    }
    require_utf8("key", post.key);
    require_utf8("title", post.title);
    require_utf8("content_html", post.content_html);
    require_utf8("summary", post.summary);
    for (const auto& tag : post.tags) {
      require_utf8("tag", tag);
    }
    for (const auto& category : post.categories) {
      require_utf8("category", category);
    }
  }
  for (const storage::Problem& problem : result.problems) {
    if (problem.path != path || problem.line < 0 || problem.reason.empty()) {
      invariant_failed("malformed problem", problem.to_string());
    }
  }
}

}  // namespace feedd::fuzz
