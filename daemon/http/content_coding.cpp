// choose_coding() (declared in router.h): Accept-Encoding negotiation, RFC 9110 §12.5.3.
#include <string_view>

#include "common/text.h"
#include "daemon/http/http_syntax.h"
#include "daemon/http/router.h"

namespace feedd::daemon {
namespace {

using common::text::iequals;
using feeds::Coding;
using http_syntax::equals_folded;  // the coding names are letters: exact for any byte
using http_syntax::q_parameter;
using http_syntax::trim_ows;

}  // namespace

feeds::Coding choose_coding(const feeds::Resource& resource,
                            std::optional<std::string_view> accept_encoding) {
  if (!accept_encoding) {
    return Coding::identity;
  }
  // q in thousandths; -1: not mentioned.
  int q_br = -1, q_gzip = -1, q_identity = -1, q_any = -1;
  std::string_view rest = *accept_encoding;
  while (!rest.empty()) {
    const std::size_t comma = rest.find(',');
    std::string_view element = trim_ows(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    const std::size_t semi = element.find(';');
    const std::string_view name = trim_ows(element.substr(0, semi));
    int q = 1000;
    if (semi != std::string_view::npos) {
      const auto weight = q_parameter(trim_ows(element.substr(semi + 1)));
      if (!weight || *weight < 0) {
        continue;  // an unknown parameter or a malformed q: ignore the element
      }
      q = *weight;
    }
    if (equals_folded(name, "br")) {
      q_br = q;
    } else if (equals_folded(name, "gzip") || iequals(name, "x-gzip")) {
      q_gzip = q;
    } else if (equals_folded(name, "identity")) {
      q_identity = q;
    } else if (name == "*") {
      q_any = q;
    }
  }
  auto effective = [&](int q) { return q >= 0 ? q : (q_any >= 0 ? q_any : 0); };
  // Identity is acceptable unless excluded by "identity;q=0" or "*;q=0" (RFC 9110 §12.5.3);
  // unnamed, it loses to any coding the client named.
  const int identity = q_identity >= 0 ? q_identity : (q_any >= 0 ? q_any : 1);
  Coding best = Coding::identity;
  int best_q = 0;
  const std::pair<Coding, int> candidates[] = {{Coding::br, effective(q_br)},
                                               {Coding::gzip, effective(q_gzip)}};
  for (const auto& [coding, q] : candidates) {
    if (q > best_q && resource.get(coding) != nullptr) {
      best = coding;
      best_q = q;
    }
  }
  if (best_q > 0 && (q_identity < 0 && q_any < 0 ? true : best_q >= identity)) {
    return best;
  }
  // Nothing better: identity, even when excluded (RFC 9110 §12.5.3 permits it over a 406).
  return Coding::identity;
}

}  // namespace feedd::daemon
