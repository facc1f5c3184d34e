#include "daemon/commands.h"

#include <algorithm>
#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/text.h"
#include "daemon/config.h"
#include "daemon/log.h"
#include "daemon/pipeline/catalog_files.h"
#include "daemon/pipeline/file_output.h"
#include "daemon/pipeline/site_pipeline.h"
#include "daemon/serve.h"

namespace feedd::daemon {
namespace po = boost::program_options;
namespace {

using std::chrono::sys_seconds;

constexpr const char* kUsage =
    "usage: feedd [--config FILE] COMMAND [options]\n"
    "\n"
    "commands:\n"
    "  serve            run the feed server (see feedd serve --help)\n"
    "  build --out DIR  scan the store once and write every feed to DIR\n"
    "  check            validate the configuration and every post file\n"
    "  posts [--lang L] list the indexed posts\n"
    "\n"
    "options:\n"
    "  --config FILE    configuration (default /etc/feedd/feedd.toml, or etc/feedd.toml\n"
    "                   when run in a source tree)\n"
    "  --help           this text; COMMAND --help describes one command\n"
    "  --version        print the version\n";

// How many post files `indexed` (the index's problems) and `unreadable` (the scan's) name.
std::size_t files_with_problems(const std::vector<storage::Problem>& indexed,
                                const std::vector<storage::Problem>& unreadable) {
  std::set<std::string_view> paths;
  for (const auto* problems : {&indexed, &unreadable}) {
    for (const auto& problem : *problems) {
      paths.insert(problem.path);
    }
  }
  return paths.size();
}

int cmd_build(const Config& config, const std::filesystem::path& out) {
  SitePipeline pipeline(config);
  auto now = common::now_seconds();
  auto report = pipeline.scan(now, SitePipeline::CatalogsBeside::yes);
  if (report.store_missing) {
    log::error("build", config.store.path.string() + ": " + report.unreadable.front().reason +
                            " (store.path in " + config.source.string() + ")");
    return 1;
  }
  // The feeds and pages, then every topic feed and archive page (rendered as `serve` renders
  // each on request, when not already current in `out`).
  auto feeds = pipeline.render(now);
  auto written = write_feeds(out, feeds);
  if (!written) {
    log::error("build", written.error().message());
    return 1;
  }
  auto catalog_files =
      write_catalog_files(pipeline, std::filesystem::absolute(out).lexically_normal(), now);
  if (!catalog_files) {
    log::error("build", catalog_files.error().message());
    return 1;
  }
  pipeline.abandon_catalogs();  // the process ends soon: not worth freeing one by one
  const std::size_t files = feeds.size() + catalog_files->files;
  *written += catalog_files->changed;
  auto problems = pipeline.read_index([](storage::Index& index) { return index.problems(); }, now);
  // Files the scan could not read (already logged by it) are problems too, as check says;
  // a file counts once.
  const std::size_t problem_count = files_with_problems(problems, report.unreadable);
  log::info("build",
            "wrote " + std::to_string(files) + " files to " + out.string() + " (" +
                std::to_string(*written) + " changed; " + std::to_string(catalog_files->rendered) +
                " of " + std::to_string(catalog_files->files) +
                " topic feeds and archive pages rendered, the rest current)" +
                (problem_count == 0   ? ""
                 : problem_count == 1 ? "; a post file has a problem, see `feedd check`"
                                      : "; " + std::to_string(problem_count) +
                                            " post files have problems, see `feedd check`"));
  // Problems found by an earlier scan are still problems: say them again (once).
  std::set<std::string> said;
  for (const auto& problem : report.applied.problems) {
    said.insert(problem.to_string());
  }
  for (const auto& problem : problems) {
    if (!said.contains(problem.to_string())) {
      log::warning("store", problem.to_string());
    }
  }
  return problem_count == 0 ? 0 : 1;
}

// Whether `file` is a credential systemd gives the running unit only (LoadCredential=, as
// the shipped unit and the README set hooks.secret_file up): before the unit starts it does
// not exist, so `feedd check` cannot read it, and serve reads it at its start.
bool is_unit_credential(const std::filesystem::path& file) {
  const std::string text = file.string();
  const char* directory = std::getenv("CREDENTIALS_DIRECTORY");
  return text.starts_with("/run/credentials/") || (directory != nullptr && *directory != '\0' &&
                                                   text.starts_with(std::string(directory) + "/"));
}

// What else serve would refuse at its start: a webhook secret file it cannot read (but a
// unit credential, said and left to serve).
void check_webhook_secret(const Config& config) {
  if (is_unit_credential(config.hooks.secret_file) &&
      !std::filesystem::exists(config.hooks.secret_file)) {
    std::cerr << config.source.string()
              << ": hooks.secret_file " + config.hooks.secret_file.string() +
                     " is a systemd credential, not there until the unit starts: "
                     "not checked (serve refuses to start without it)\n";
    return;
  }
  webhook_secret(config);
}

// Checks every post file from scratch into a throw-away index, so that checking neither
// needs nor touches the real one.
int cmd_check(Config config) {
  // A private temporary file, not ":memory:": that held every post of the store (571 MB of
  // RSS at 100,000 posts).
  config.store.index = "";
  log::set_threshold(log::Level::error);  // the problems are the output, on stdout
  check_webhook_secret(config);
  SitePipeline pipeline(config);
  auto report = pipeline.scan(common::now_seconds());
  auto problems = pipeline.read_index([](storage::Index& index) { return index.problems(); },
                                      common::now_seconds());
  problems.insert(problems.end(), report.unreadable.begin(), report.unreadable.end());
  for (const auto* printed : {&problems, &report.skipped_directories}) {
    for (const auto& problem : *printed) {
      std::cout << problem.to_string() << '\n';
    }
  }
  // Skipped directories are said, but are no post file's problem.
  std::cerr << config.source.string() << ": configuration is valid; " << report.files_seen
            << " post files, " << problems.size() << " problems\n";
  return problems.empty() ? 0 : 1;
}

int cmd_posts(const Config& config, const std::string& lang) {
  if (!lang.empty() && std::none_of(config.languages.begin(), config.languages.end(),
                                    [&](const auto& l) { return l.code == lang; })) {
    std::string known;
    for (const auto& l : config.languages) {
      known += (known.empty() ? "" : ", ") + l.code;
    }
    std::cerr << "feedd posts: --lang " << lang << " is not a configured language (" << known
              << ")\n";
    return 2;
  }
  log::set_threshold(log::Level::warning);
  SitePipeline pipeline(config);
  auto now = common::now_seconds();
  pipeline.scan(now);
  // Every row is read here: damage the scan did not reach shows now, and is rebuilt too.
  // A page of posts at a time, without their bodies: listing a million posts held them all
  // (~3 KB each) before.
  constexpr int kPage = 512;
  const std::string listing = pipeline.read_index(
      [&](storage::Index& index) {
        std::string out = "id\tlanguage\tdate\ttitle\ttranslations\n";
        const auto snapshot = index.read_snapshot();  // every page from the same state
        std::vector<storage::IndexedPost> page;
        do {
          const storage::IndexedPost* last = page.empty() ? nullptr : &page.back();
          page = index.newest_page(lang, sys_seconds::max(), kPage, last);
          const auto translations_of = index.translations_of(page, sys_seconds::max());
          for (std::size_t i = 0; i < page.size(); ++i) {
            const storage::Post& post = page[i].post;
            std::string translations;
            for (const auto& translation : translations_of[i]) {
              translations += (translations.empty() ? "" : ",") + translation.post.lang + ":" +
                              common::text::printable(translation.post.key);
            }
            // One row each, whatever bytes a file name (hence an id) or a title holds.
            out += common::text::printable(post.key) + '\t' + post.lang + '\t' + post.local_date +
                   (post.published > now ? " (scheduled)" : "") + '\t' +
                   common::text::printable(post.title) + '\t' + translations + '\n';
          }
        } while (page.size() == kPage);
        return out;
      },
      now);
  std::cout << listing;
  return 0;
}

// The command is the first word that is neither an option nor --config's value; the rest are
// its options.
struct Invocation {
  std::string command;
  std::vector<std::string> rest;
};

Invocation split_command(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  Invocation invocation;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (invocation.command.empty() && !args[i].starts_with("-") &&
        (i == 0 || args[i - 1] != "--config")) {
      invocation.command = args[i];
    } else {
      invocation.rest.push_back(args[i]);
    }
  }
  return invocation;
}

// What `command` does, for its --help (the README's "Command line" and feedd(8) say more).
const char* description_of(const std::string& command) {
  if (command == "serve") {
    return "Scans the store into the index, then serves every feed and page over HTTP on\n"
           "server.listen (or the sockets systemd passes), following the store's changes\n"
           "and signed webhooks. SIGHUP reloads the configuration; SIGTERM finishes the\n"
           "responses in flight and exits 0.\n";
  }
  if (command == "build") {
    return "Scans the store once into the index and writes every feed and page to DIR,\n"
           "rewriting only the files whose bytes changed. Exits 1 when a post file has an\n"
           "error (the other posts are written) or the build fails (a missing store, an\n"
           "output directory it cannot write), 2 on a bad configuration.\n";
  }
  if (command == "check") {
    return "Validates the configuration and every post file in a temporary index (the\n"
           "configured one is not touched); prints path:line: reason for each problem.\n"
           "Exits 1 on a problem, 2 on a bad configuration.\n";
  }
  return "Scans the store into the index, then lists the indexed posts, one per line: id,\n"
         "language, date, title, translations.\n";
}

// The options `command` takes, the common ones included.
po::options_description options_for(const std::string& command) {
  po::options_description common("options");
  common.add_options()("config", po::value<std::string>(), "configuration file")(
      "help", "describe the command")("version", "print the version");
  po::options_description specific(command.empty() ? "feedd" : "feedd " + command);
  if (command == "build") {
    specific.add_options()("out", po::value<std::string>(), "directory to write the feeds to");
  } else if (command == "posts") {
    specific.add_options()("lang", po::value<std::string>()->default_value(""),
                           "only posts in this language");
  }
  specific.add(common);
  return specific;
}

// The exit status when the command line is answered without running a command (--version,
// --help, usage errors); nullopt when `command` should run.
std::optional<int> answer_without_running(const std::string& command, const po::variables_map& vm,
                                          const po::options_description& specific) {
  if (vm.contains("version")) {
    std::cout << "feedd " << FEEDD_VERSION << '\n';
    return 0;
  }
  if (command.empty() || (vm.contains("help") && command.empty())) {
    (vm.contains("help") ? std::cout : std::cerr) << kUsage;
    return vm.contains("help") ? 0 : 2;
  }
  if (command != "serve" && command != "build" && command != "check" && command != "posts") {
    std::cerr << "feedd: unknown command \"" << command << "\"\n\n" << kUsage;
    return 2;
  }
  if (vm.contains("help")) {
    std::cout << "usage: feedd " << command << " [options]\n\n"
              << description_of(command) << '\n'
              << specific << '\n';
    return 0;
  }
  if (command == "build" && !vm.contains("out")) {
    std::cerr << "feedd build: --out DIR is required (the directory to write the feeds to)\n";
    return 2;
  }
  return std::nullopt;
}

// Loads the configuration and runs `command`; start-up errors are logged once here and
// become the exit status (2 for the configuration, 1 for the rest).
int run_command(const std::string& command, const po::variables_map& vm) {
  std::filesystem::path config_path = vm.contains("config")
                                          ? std::filesystem::path(vm["config"].as<std::string>())
                                          : default_config_path();
  try {
    Config config = load_config(config_path);
    if (command == "build") {
      return cmd_build(config, vm["out"].as<std::string>());
    }
    if (command == "check") {
      return cmd_check(config);
    }
    if (command == "posts") {
      return cmd_posts(config, vm["lang"].as<std::string>());
    }
    // serve: FEEDD_ACCESS_LOG=1 turns the access log on (off by default).
    const char* access_log = std::getenv("FEEDD_ACCESS_LOG");
    return run_serve(config, ServeOptions{access_log != nullptr && std::string(access_log) == "1"});
  } catch (const ConfigError& error) {
    log::error("config", error.what());
    return 2;
  } catch (const storage::IndexError& error) {
    log::error("index", error.what());
    return 1;
  } catch (const std::exception& error) {
    log::error("feedd", error.what());
    return 1;
  }
}

}  // namespace

int run_command_line(int argc, char** argv) {
  const Invocation invocation = split_command(argc, argv);
  const po::options_description specific = options_for(invocation.command);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(invocation.rest).options(specific).run(), vm);
    po::notify(vm);
  } catch (const po::error& error) {
    std::cerr << "feedd: " << error.what() << "\n\n" << kUsage;
    return 2;
  }
  if (auto status = answer_without_running(invocation.command, vm, specific)) {
    return *status;
  }
  return run_command(invocation.command, vm);
}

}  // namespace feedd::daemon
