// libFuzzer target: the built-in WebSub hub's request parsing (daemon/websub/form and
// hub_request): a POST /websub body as the server hands it over. Invariants: accepted fields
// are UTF-8 without control characters, named, unique and few; encoding them again and
// parsing gives the same fields; an accepted hub request has a topic, an http(s) callback and
// a secret under 200 bytes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "common/encoding.h"
#include "daemon/outbound/outbound_url.h"
#include "daemon/websub/form.h"
#include "daemon/websub/hub_request.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using namespace feedd::daemon;

std::string encode(const FormFields& form) {
  std::string out;
  for (const auto& [name, value] : form.fields) {
    out += out.empty() ? "" : "&";
    feedd::common::append_percent_encoded(out, name, feedd::common::is_unreserved);
    out += '=';
    feedd::common::append_percent_encoded(out, value, feedd::common::is_unreserved);
  }
  return out;
}

void check_fields(const FormFields& form) {
  if (form.fields.size() > kMaxFormFields) {
    feedd::fuzz::invariant_failed("too many fields accepted", std::to_string(form.fields.size()));
  }
  for (const auto& [name, value] : form.fields) {
    feedd::fuzz::require_utf8("field name", name);
    feedd::fuzz::require_utf8("field value", value);
    if (name.empty()) {
      feedd::fuzz::invariant_failed("empty field name accepted", value);
    }
    for (const char c : name + value) {
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
        feedd::fuzz::invariant_failed("control character accepted", name);
      }
    }
  }
}

void check_request(const FormFields& form) {
  const auto request = parse_hub_request(form);
  if (const auto* accepted = std::get_if<HubRequest>(&request)) {
    if (accepted->topic.empty() || accepted->secret.size() >= 200 ||
        !parse_outbound_url(accepted->callback)) {
      feedd::fuzz::invariant_failed("bad hub request accepted", accepted->callback);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const feedd::fuzz::CpuBudget budget;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto parsed = parse_form(input);
  const auto* form = std::get_if<FormFields>(&parsed);
  if (form == nullptr) {
    feedd::fuzz::require_utf8("form error", std::get<FormError>(parsed).reason);
    return 0;
  }
  check_fields(*form);
  const std::string again = encode(*form);
  if (again.size() <= kMaxFormBytes) {
    const auto reparsed = parse_form(again);
    const auto* second = std::get_if<FormFields>(&reparsed);
    if (second == nullptr || second->fields != form->fields) {
      feedd::fuzz::invariant_failed("fields changed when encoded again", again);
    }
  }
  check_request(*form);
  return 0;
}
