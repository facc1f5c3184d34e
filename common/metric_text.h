// Prometheus text exposition (format 0.0.4) lines, written once for every /metrics section:
// a metric's HELP and TYPE lines, and one sample "name{labels} value". Appends to a string;
// no validation (names, labels and help are feedd's own constants). Pure; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace feedd::common {

// "# TYPE name type".
void append_metric_type(std::string& out, std::string_view name, std::string_view type);
// "# HELP name help", then the TYPE line.
void append_metric_header(std::string& out, std::string_view name, std::string_view type,
                          std::string_view help);
// "name{labels} value", or "name value" when `labels` is empty; `labels` as in the
// exposition, e.g. result="ok" or route="feed",status="200".
void append_metric_sample(std::string& out, std::string_view name, std::string_view labels,
                          std::string_view value);
void append_metric_sample(std::string& out, std::string_view name, std::string_view labels,
                          std::uint64_t value);
// label_name="value", one label of a sample.
std::string metric_label(std::string_view label_name, std::string_view value);

}  // namespace feedd::common
