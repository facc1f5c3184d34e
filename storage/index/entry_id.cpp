#include "storage/index/entry_id.h"

#include <cctype>

#include "common/encoding.h"

namespace feedd::storage {
namespace {

std::string_view host_of(std::string_view url) {
  auto start = url.find("://");
  start = start == std::string_view::npos ? 0 : start + 3;
  auto rest = url.substr(start);
  if (auto at = rest.find('@'); at != std::string_view::npos && at < rest.find('/')) {
    rest = rest.substr(at + 1);
  }
  return rest.substr(0, rest.find_first_of(":/?#"));
}

bool is_specific_char(unsigned char c) {
  // RFC 4151: specific = *( pchar / "/" / "?" ); keep unreserved plus a few safe ones.
  return std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '/' || c == ':' ||
         c == '@';
}

}  // namespace

std::string make_entry_id(std::string_view base_url, std::string_view local_date,
                          std::string_view key) {
  std::string id = "tag:";
  for (char c : host_of(base_url)) {
    id.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  id += ',';
  id += local_date;
  id += ':';
  common::append_percent_encoded(id, key, is_specific_char);
  return id;
}

}  // namespace feedd::storage
