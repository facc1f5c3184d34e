// Language decision: front matter, marker, script, default; marker stripping.
#include "storage/readers/language.h"

#include <boost/test/unit_test.hpp>

namespace feedd::storage {
BOOST_AUTO_TEST_SUITE(language)

namespace {

ReaderOptions bilingual() {
  ReaderOptions options;
  options.default_language = "ja";
  options.languages = {"ja", "en"};
  options.markers = {{"[Eng]", "en"}, {"[EN]", "en"}, {"[English]", "en"}};
  return options;
}

Post post(std::string title, std::string html, std::string lang = {}) {
  Post p;
  p.title = std::move(title);
  p.content_html = std::move(html);
  p.lang = std::move(lang);
  return p;
}

}  // namespace

BOOST_AUTO_TEST_CASE(marker_stripping) {
  const ReaderOptions options = bilingual();
  std::string title = "[English]  Long marker";
  BOOST_TEST(strip_language_marker(title, options) == "en");
  BOOST_TEST(title == "Long marker");
  title =
      "[en]"
      "\xE3\x80\x80"
      "Full-width space";
  BOOST_TEST(strip_language_marker(title, options) == "en");
  BOOST_TEST(title == "Full-width space");
  title = "No marker [Eng]";
  BOOST_TEST(strip_language_marker(title, options).empty());
  BOOST_TEST(title == "No marker [Eng]");
}

BOOST_AUTO_TEST_CASE(order_of_evidence) {
  const ReaderOptions options = bilingual();
  Post p = post("[Eng] 日本語のタイトル", "<p>日本語の本文です。</p>", "ja");
  assign_language(p, options);
  BOOST_TEST(p.lang == "ja");  // front matter wins
  BOOST_TEST(p.title == "日本語のタイトル");

  p = post("[Eng] 日本語のタイトル", "<p>日本語の本文です。</p>");
  assign_language(p, options);
  BOOST_TEST(p.lang == "en");  // then the marker

  p = post("Title", "<p>日本語の本文です。</p>");
  assign_language(p, options);
  BOOST_TEST(p.lang == "ja");  // then the script

  p = post("12345", "<p>!!!</p>");
  assign_language(p, options);
  BOOST_TEST(p.lang == "ja");  // then the default
}

BOOST_AUTO_TEST_CASE(script_counts) {
  const ReaderOptions options = bilingual();
  BOOST_TEST(language_of_script("今日はC++20のcoroutineを試した", options) == "ja");
  BOOST_TEST(language_of_script("I visited 京都 today with friends", options) == "en");
  BOOST_TEST(language_of_script("カタカナ", options) == "ja");
  BOOST_TEST(language_of_script("<a href=\"https://example.org/long/english/path\">リンク</a>",
                                options) == "ja");
  BOOST_TEST(language_of_script("&amp;&amp;&amp; 日本", options) == "ja");
  BOOST_TEST(language_of_script("1234 !!", options).empty());
  BOOST_TEST(language_of_script("", options).empty());
}

BOOST_AUTO_TEST_CASE(unconfigured_languages) {
  ReaderOptions options = bilingual();
  options.languages = {"en", "fr"};
  options.default_language = "en";
  BOOST_TEST(language_of_script("日本語です", options).empty());
  BOOST_TEST(language_of_script("Bonjour", options) == "en");
  options.languages = {"ja"};
  BOOST_TEST(language_of_script("Hello", options).empty());
}

BOOST_AUTO_TEST_CASE(front_matter_region_subtag) {
  const ReaderOptions options = bilingual();
  Post p = post("T", "", "en-US");
  assign_language(p, options);
  BOOST_TEST(p.lang == "en");
  p = post("T", "", "de");
  assign_language(p, options);
  BOOST_TEST(p.lang == "de");  // kept as given: the index reports unknown languages
}

// RFC 4647 §3.4 lookup of front matter `lang` among the configured languages.
BOOST_AUTO_TEST_CASE(front_matter_lookup_table) {
  const ReaderOptions en_ja = bilingual();  // ja, en
  ReaderOptions british = bilingual();
  british.languages = {"en", "en-GB", "ja"};
  // Not a valid tag, but a code the configuration accepts: a lookup never stops at it.
  ReaderOptions singleton = bilingual();
  singleton.languages = {"en", "en-a", "ja"};
  struct Case {
    const ReaderOptions& options;
    std::string written;
    std::string lang;  // post.lang afterwards
  };
  const Case cases[] = {
      {en_ja, "en", "en"},
      {en_ja, "EN", "en"},              // case
      {en_ja, "EN-us", "en"},           // case, then a region dropped
      {en_ja, "ja_JP", "ja"},           // '_' read as '-'
      {en_ja, "Ja_jp_Osaka", "ja"},     // two subtags dropped
      {en_ja, "en-Latn-US", "en"},      // script and region dropped
      {en_ja, "en-a-foo", "en"},        // the singleton "a" goes with "foo"
      {en_ja, "en-US-x-twain", "en"},   // private use, then the region
      {en_ja, "en-x-a", "en"},          // two singletons in a row
      {en_ja, "x-en", "x-en"},          // private use only: no language
      {en_ja, "zh-Hant", "zh-Hant"},    // unmatched: kept as written
      {en_ja, "DE_at", "DE_at"},        // kept exactly as written, case and '_'
      {en_ja, "e", "e"},                // a prefix of a language is not it
      {en_ja, "eng", "eng"},            // nor is a longer code
      {en_ja, "", "ja"},                // empty: no front matter lang (the script)
      {british, "en-GB-oed", "en-GB"},  // the longest configured prefix
      {british, "EN_gb", "en-GB"},      // the language as configured
      {british, "en-US", "en"},         // another region: the language
      {british, "en-GBx", "en"},        // subtags are whole: not en-GB
      {british, "en-GB-a-b", "en-GB"},  // an extension on a regional tag
      {singleton, "en-a-foo", "en"},    // "en-a" is never looked up...
      {singleton, "en-a-b-c", "en"},    // ...nor are two singletons in a row
      {singleton, "EN-A", "en-a"},      // ...but the whole tag is
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT("lang = \"" << c.written << "\"") {
      Post p = post("日本語", "", c.written);
      assign_language(p, c.options);
      BOOST_TEST(p.lang == c.lang);
    }
  }
  BOOST_TEST(lookup_language("x-en", en_ja).empty());
  BOOST_TEST(lookup_language("", en_ja).empty());
  BOOST_TEST(lookup_language("en-GB-oed", british) == "en-GB");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace feedd::storage
