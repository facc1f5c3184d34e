// The built-in hub's request parsing: the strict form parser (what it accepts, decodes and
// refuses, with reasons) and the hub request rules of W3C WebSub §5.1.
#include <boost/test/unit_test.hpp>
#include <variant>

#include "daemon/websub/form.h"
#include "daemon/websub/hub_request.h"

namespace feedd::daemon {
BOOST_AUTO_TEST_SUITE(websub_form_test)

namespace {

FormFields accepted(std::string_view body) {
  auto parsed = parse_form(body);
  BOOST_REQUIRE_MESSAGE(
      std::holds_alternative<FormFields>(parsed),
      std::string(body) + ": " +
          (std::holds_alternative<FormError>(parsed) ? std::get<FormError>(parsed).reason : ""));
  return std::get<FormFields>(parsed);
}

std::string refused(std::string_view body) {
  auto parsed = parse_form(body);
  return std::holds_alternative<FormError>(parsed) ? std::get<FormError>(parsed).reason
                                                   : "<accepted>";
}

std::variant<HubRequest, FormError> hub(std::string_view body) {
  return parse_hub_request(accepted(body));
}

}  // namespace

BOOST_AUTO_TEST_CASE(fields_are_decoded_in_order) {
  const auto form =
      accepted("a=1&hub.topic=http%3A%2F%2Fx%2Fen%2Fatom.xml&b=x+y%2Bz&empty=&u=%E8%8C%B6");
  BOOST_TEST_REQUIRE(form.fields.size() == 5u);
  BOOST_TEST(*form.get("hub.topic") == "http://x/en/atom.xml");
  BOOST_TEST(*form.get("b") == "x y+z");
  BOOST_TEST(*form.get("empty") == "");
  BOOST_TEST(*form.get("u") == "茶");
  BOOST_TEST(!form.get("missing"));
  BOOST_TEST(accepted("").fields.empty());
  // Empty pairs are skipped, as the URL Standard's application/x-www-form-urlencoded parser
  // does (some clients end every pair with '&').
  const auto loose = accepted("&a=1&&b=2&");
  BOOST_TEST(loose.fields.size() == 2u);
  BOOST_TEST(*loose.get("a") == "1");
  BOOST_TEST(*loose.get("b") == "2");
  BOOST_TEST(refused("&a=1&&b") == "expected name=value in field 2");
}

BOOST_AUTO_TEST_CASE(malformed_bodies_are_refused_with_a_reason) {
  BOOST_TEST(refused("a=1&a=2") == "field a given twice");
  BOOST_TEST(refused("a=%zz") == "bad percent-escape in field 1");
  BOOST_TEST(refused("a=1&b") == "expected name=value in field 2");
  BOOST_TEST(refused("=1") == "expected name=value in field 1");
  BOOST_TEST(refused("a=%00") == "invalid UTF-8 or control character in field 1");
  BOOST_TEST(refused("a=%FF") == "invalid UTF-8 or control character in field 1");
  std::string many;
  for (int i = 0; i < 17; ++i) {
    many += (i ? "&f" : "f") + std::to_string(i) + "=1";
  }
  BOOST_TEST(refused(many) == "more than 16 fields");
  BOOST_TEST(refused("a=" + std::string(kMaxFormBytes, 'x')) == "form body over 8192 bytes");
}

BOOST_AUTO_TEST_CASE(hub_requests_follow_section_5_1) {
  const auto good =
      hub("hub.mode=subscribe&hub.topic=t&hub.callback=https%3A%2F%2Fr.example%2Fcb"
          "&hub.lease_seconds=60&hub.secret=s");
  BOOST_TEST_REQUIRE(std::holds_alternative<HubRequest>(good));
  const auto& request = std::get<HubRequest>(good);
  BOOST_TEST(request.subscribe);
  BOOST_TEST(request.callback == "https://r.example/cb");
  BOOST_TEST(*request.lease_seconds == 60);
  BOOST_TEST(request.secret == "s");
  // W3C hub checklist 102: parameters the hub does not know are ignored, not refused.
  BOOST_TEST(std::holds_alternative<HubRequest>(
      hub("hub.mode=subscribe&hub.topic=t&hub.callback=http%3A%2F%2Fa%2F&hub.verify=sync&x=1")));
  const auto reason = [](const std::variant<HubRequest, FormError>& result) {
    return std::holds_alternative<FormError>(result) ? std::get<FormError>(result).reason
                                                     : "<accepted>";
  };
  BOOST_TEST(reason(hub("hub.mode=publish&hub.topic=t&hub.callback=http%3A%2F%2Fa%2F")) ==
             "hub.mode must be subscribe or unsubscribe");
  BOOST_TEST(reason(hub("hub.mode=subscribe&hub.callback=http%3A%2F%2Fa%2F")) ==
             "hub.topic missing or too long");
  BOOST_TEST(reason(hub("hub.mode=subscribe&hub.topic=t&hub.callback=ftp%3A%2F%2Fa%2F")) ==
             "hub.callback must be an absolute http or https URL");
  BOOST_TEST(
      reason(hub(
          "hub.mode=subscribe&hub.topic=t&hub.callback=http%3A%2F%2Fa%2F&hub.lease_seconds=0")) ==
      "hub.lease_seconds must be a positive integer");
  BOOST_TEST(
      reason(hub("hub.mode=unsubscribe&hub.topic=t&hub.callback=http%3A%2F%2Fa%2F&hub.secret=" +
                 std::string(200, 'x'))) == "hub.secret must be less than 200 bytes");
  BOOST_TEST(
      reason(hub("hub.mode=unsubscribe&hub.topic=t&hub.callback=http%3A%2F%2Fa%2F&hub.secret=" +
                 std::string(199, 'x'))) == "<accepted>");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace feedd::daemon
