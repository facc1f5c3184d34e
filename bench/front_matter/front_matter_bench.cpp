// Front matter parsers side by side on real posts (issue 12): yaml-cpp (feedd's parser before
// issue 12), bare event loops of libyaml and libfyaml (the cost floor of each library: every
// event pulled, every scalar copied), and feedd's parse_yaml_front_matter as built from this
// tree. Built and run by bench/front_matter.sh, which documents the modes.
#include <libfyaml.h>
#include <time.h>
#include <yaml.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "bench/front_matter/yamlcpp_front_matter.h"
#include "storage/readers/front_matter.h"

namespace {

struct Input {
  std::string path;
  std::string front;  // between the fences
};

// The YAML front matter of a post: the lines between a first line "---" and the next "---".
bool front_matter_of(const std::string& bytes, std::string& front) {
  if (!bytes.starts_with("---\n")) {
    return false;
  }
  std::size_t pos = 4;
  while (pos < bytes.size()) {
    std::size_t end = bytes.find('\n', pos);
    if (end == std::string::npos) {
      end = bytes.size();
    }
    if (bytes.compare(pos, end - pos, "---") == 0) {
      front = bytes.substr(4, pos - 4);
      return true;
    }
    pos = end + 1;
  }
  return false;
}

void add_file(const std::filesystem::path& path, std::vector<Input>& inputs) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  Input input{path.string(), {}};
  if (front_matter_of(ss.str(), input.front)) {
    inputs.push_back(std::move(input));
  }
}

std::vector<Input> load(const std::vector<std::string>& args) {
  std::vector<Input> inputs;
  for (const std::string& arg : args) {
    if (std::filesystem::is_directory(arg)) {
      std::vector<std::filesystem::path> paths;
      for (const auto& e : std::filesystem::recursive_directory_iterator(arg)) {
        if (e.is_regular_file() && e.path().extension() == ".md") {
          paths.push_back(e.path());
        }
      }
      std::sort(paths.begin(), paths.end());
      for (const auto& p : paths) {
        add_file(p, inputs);
      }
    } else {
      add_file(arg, inputs);
    }
  }
  return inputs;
}

// libyaml's event API: every event pulled, scalars copied out.
std::size_t libyaml_events(const std::string& text) {
  yaml_parser_t parser;
  yaml_parser_initialize(&parser);
  yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(text.data()),
                               text.size());
  std::size_t bytes = 0;
  for (bool done = false; !done;) {
    yaml_event_t event;
    if (!yaml_parser_parse(&parser, &event)) {
      break;
    }
    if (event.type == YAML_SCALAR_EVENT) {
      std::string s(reinterpret_cast<const char*>(event.data.scalar.value),
                    event.data.scalar.length);
      bytes += s.size();
    }
    done = event.type == YAML_STREAM_END_EVENT;
    yaml_event_delete(&event);
  }
  yaml_parser_delete(&parser);
  return bytes;
}

// libfyaml's event API: every event pulled, scalars copied out.
std::size_t libfyaml_events(const std::string& text) {
  fy_parse_cfg cfg{};
  cfg.flags = static_cast<fy_parse_cfg_flags>(FYPCF_QUIET | FYPCF_DISABLE_BUFFERING);
  fy_parser* parser = fy_parser_create(&cfg);
  fy_parser_set_string(parser, text.data(), text.size());
  std::size_t bytes = 0;
  while (fy_event* event = fy_parser_parse(parser)) {
    if (event->type == FYET_SCALAR) {
      std::size_t len = 0;
      const char* p = fy_token_get_text(event->scalar.value, &len);
      std::string s(p, len);
      bytes += s.size();
    }
    fy_parser_event_free(parser, event);
  }
  fy_parser_destroy(parser);
  return bytes;
}

double cpu_ns() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
}

std::string describe(const feedd::storage::FrontMatter& fm) {
  std::ostringstream os;
  if (!fm.error.empty()) {
    os << "  error line " << fm.error_line << ": " << fm.error << "\n";
  }
  for (const auto& [key, value] : fm.fields) {
    os << "  " << key << " (line " << value.line << (value.is_list ? ", list" : "") << "):";
    for (const std::string& item : value.items) {
      os << " [" << item << "]";
    }
    os << "\n";
  }
  return os.str();
}

int compare(const std::vector<Input>& inputs) {
  int differ = 0;
  for (const Input& in : inputs) {
    const std::string a = describe(feedd::bench::yamlcpp_front_matter(in.front, 2));
    const std::string b = describe(feedd::storage::parse_yaml_front_matter(in.front, 2));
    if (a != b) {
      ++differ;
      std::cout << "DIFF " << in.path << "\nyaml-cpp:\n" << a << "feedd:\n" << b;
    }
  }
  std::cout << inputs.size() << " front matters, " << differ << " differ\n";
  return differ == 0 ? 0 : 1;
}

int bench(const std::vector<Input>& inputs, int rounds) {
  using Fn = std::function<std::size_t(const std::string&)>;
  const std::vector<std::pair<std::string, Fn>> parsers = {
      {"yaml-cpp (before)",
       [](const std::string& t) { return feedd::bench::yamlcpp_front_matter(t, 2).fields.size(); }},
      {"libyaml events", libyaml_events},
      {"libfyaml events", libfyaml_events},
      {"feedd (this tree)",
       [](const std::string& t) {
         return feedd::storage::parse_yaml_front_matter(t, 2).fields.size();
       }},
  };
  std::vector<std::vector<double>> runs(parsers.size());
  std::size_t sink = 0;
  for (int r = 0; r < rounds; ++r) {
    for (std::size_t p = 0; p < parsers.size(); ++p) {  // alternate parsers within a round
      const double start = cpu_ns();
      for (const Input& in : inputs) {
        sink += parsers[p].second(in.front);
      }
      runs[p].push_back((cpu_ns() - start) / static_cast<double>(inputs.size()));
    }
  }
  std::printf("%zu front matters, %d rounds, CPU ns per front matter (median; all rounds)\n",
              inputs.size(), rounds);
  for (std::size_t p = 0; p < parsers.size(); ++p) {
    std::vector<double> sorted = runs[p];
    std::sort(sorted.begin(), sorted.end());
    std::printf("%-20s %8.0f ;", parsers[p].first.c_str(), sorted[sorted.size() / 2]);
    for (double ns : runs[p]) {
      std::printf(" %.0f", ns);
    }
    std::printf("\n");
  }
  return sink == 0 ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: front_matter_bench bench ROUNDS PATH... | compare PATH...\n";
    return 2;
  }
  const std::string mode = argv[1];
  const int skip = mode == "bench" ? 3 : 2;
  const std::vector<Input> inputs = load(std::vector<std::string>(argv + skip, argv + argc));
  if (inputs.empty()) {
    std::cerr << "no YAML front matter found\n";
    return 2;
  }
  return mode == "bench" ? bench(inputs, std::stoi(argv[2])) : compare(inputs);
}
