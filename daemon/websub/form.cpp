#include "daemon/websub/form.h"

#include "common/encoding.h"
#include "common/utf8.h"

namespace feedd::daemon {
namespace {

// '+' as space, then "%XX"; nullopt for a bad escape.
std::optional<std::string> decode_component(std::string_view text) {
  std::string spaced(text);
  for (char& c : spaced) {
    if (c == '+') {
      c = ' ';
    }
  }
  return common::percent_decode(spaced);
}

bool has_control(std::string_view text) {
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F) {
      return true;
    }
  }
  return false;
}

}  // namespace

std::optional<std::string_view> FormFields::get(std::string_view name) const {
  for (const auto& [field, value] : fields) {
    if (field == name) {
      return value;
    }
  }
  return std::nullopt;
}

std::variant<FormFields, FormError> parse_form(std::string_view body) {
  if (body.size() > kMaxFormBytes) {
    return FormError{"form body over " + std::to_string(kMaxFormBytes) + " bytes"};
  }
  FormFields form;
  std::size_t number = 0;
  while (!body.empty()) {
    const std::size_t end = body.find('&');
    const std::string_view pair = body.substr(0, end);
    body = end == std::string_view::npos ? std::string_view{} : body.substr(end + 1);
    if (pair.empty()) {
      continue;  // "a=1&", "&a=1", "a=1&&b=2": the URL Standard's parser skips empty pairs
    }
    ++number;
    const std::string where = " in field " + std::to_string(number);
    const std::size_t equals = pair.find('=');
    if (equals == std::string_view::npos || equals == 0) {
      return FormError{"expected name=value" + where};
    }
    auto name = decode_component(pair.substr(0, equals));
    auto value = decode_component(pair.substr(equals + 1));
    if (!name || !value) {
      return FormError{"bad percent-escape" + where};
    }
    if (!common::utf8::is_valid(*name) || !common::utf8::is_valid(*value) || has_control(*name) ||
        has_control(*value)) {
      return FormError{"invalid UTF-8 or control character" + where};
    }
    if (form.get(*name)) {
      return FormError{"field " + *name + " given twice"};
    }
    if (form.fields.size() == kMaxFormFields) {
      return FormError{"more than " + std::to_string(kMaxFormFields) + " fields"};
    }
    form.fields.emplace_back(std::move(*name), std::move(*value));
  }
  return form;
}

}  // namespace feedd::daemon
