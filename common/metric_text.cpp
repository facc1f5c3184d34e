#include "common/metric_text.h"

namespace feedd::common {

void append_metric_type(std::string& out, std::string_view name, std::string_view type) {
  out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

void append_metric_header(std::string& out, std::string_view name, std::string_view type,
                          std::string_view help) {
  out.append("# HELP ").append(name).append(" ").append(help).append("\n");
  append_metric_type(out, name, type);
}

void append_metric_sample(std::string& out, std::string_view name, std::string_view labels,
                          std::string_view value) {
  out.append(name);
  if (!labels.empty()) {
    out.append("{").append(labels).append("}");
  }
  out.append(" ").append(value).append("\n");
}

void append_metric_sample(std::string& out, std::string_view name, std::string_view labels,
                          std::uint64_t value) {
  append_metric_sample(out, name, labels, std::to_string(value));
}

std::string metric_label(std::string_view label_name, std::string_view value) {
  std::string text(label_name);
  return text.append("=\"").append(value).append("\"");
}

}  // namespace feedd::common
