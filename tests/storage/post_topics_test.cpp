// storage::PostTopics keeps its texts in one block: each reads back as given, names split as
// the index's joined columns were split into lists, and rows compare by every field.
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "storage/post.h"

namespace feedd::storage {
BOOST_AUTO_TEST_SUITE(post_topics_test)

namespace {

std::vector<std::string> names_of(NameList names) { return {names.begin(), names.end()}; }

PostTopics row(std::string_view tags) {
  return PostTopics(PostTopics::Texts{.key = "k1",
                                      .lang = "ja",
                                      .entry_id = "tag:blog.example.org,2025:k1",
                                      .source_path = "2025/04/k1.md",
                                      .tags = tags,
                                      .categories = "日記"});
}

}  // namespace

BOOST_AUTO_TEST_CASE(texts_read_back_as_given) {
  const PostTopics post = row("茶道\x1fTea Time");
  BOOST_TEST(post.key() == "k1");
  BOOST_TEST(post.lang() == "ja");
  BOOST_TEST(post.entry_id() == "tag:blog.example.org,2025:k1");
  BOOST_TEST(post.source_path() == "2025/04/k1.md");
  BOOST_TEST((names_of(post.tags()) == std::vector<std::string>{"茶道", "Tea Time"}));
  BOOST_TEST((names_of(post.categories()) == std::vector<std::string>{"日記"}));

  const PostTopics copy = post;  // its own block: the copy outlives nothing
  BOOST_TEST(copy.key() == "k1");
  BOOST_TEST(static_cast<const void*>(copy.entry_id().data()) !=
             static_cast<const void*>(post.entry_id().data()));
  const PostTopics empty;
  BOOST_TEST(empty.key().empty());
  BOOST_TEST(empty.tags().empty());
  BOOST_TEST(names_of(empty.categories()).empty());
}

BOOST_AUTO_TEST_CASE(names_split_at_every_separator) {
  BOOST_TEST(names_of(NameList("")).empty());
  BOOST_TEST((names_of(NameList("a")) == std::vector<std::string>{"a"}));
  BOOST_TEST((names_of(NameList("a\x1f\x1f"
                                "b")) == std::vector<std::string>{"a", "", "b"}));
  BOOST_TEST((names_of(NameList("a\x1f")) == std::vector<std::string>{"a", ""}));
  BOOST_TEST((names_of(NameList("\x1f")) == std::vector<std::string>{"", ""}));
  BOOST_TEST((names_of(NameList("\x1f"
                                "a")) == std::vector<std::string>{"", "a"}));
}

// What a moved-from row holds is unspecified, but reading it must not throw (its text is
// taken, its part ends are not).
BOOST_AUTO_TEST_CASE(a_moved_from_row_can_still_be_read) {
  PostTopics from = row("a long enough list of tags\x1fto live on the heap");
  const PostTopics to = std::move(from);
  BOOST_TEST(to.lang() == "ja");
  // NOLINTBEGIN(bugprone-use-after-move): the point of the test
  BOOST_CHECK_NO_THROW(from.key());
  BOOST_CHECK_NO_THROW(from.lang());
  BOOST_CHECK_NO_THROW(from.entry_id());
  BOOST_CHECK_NO_THROW(from.source_path());
  BOOST_CHECK_NO_THROW(from.tags());
  BOOST_CHECK_NO_THROW(from.categories());
  // NOLINTEND(bugprone-use-after-move)
}

BOOST_AUTO_TEST_CASE(rows_equal_only_in_every_field) {
  const PostTopics a = row("x\x1fy");
  BOOST_TEST((a == row("x\x1fy")));
  BOOST_TEST(!(a == row("x")));
  BOOST_TEST(!(a == row("xy")));
  for (int field = 0; field < 6; ++field) {  // and every number
    PostTopics other = a;
    switch (field) {
      case 0:
        other.updated += std::chrono::seconds(1);
        break;
      case 1:
        other.published += std::chrono::seconds(1);
        break;
      case 2:
        other.position = 1;
        break;
      case 3:
        other.visible_hash = 1;
        break;
      case 4:
        other.translation_group = 1;
        break;
      default:
        other.translations_hash = 1;
        break;
    }
    BOOST_TEST_INFO("field " << field);
    BOOST_TEST(!(a == other));
  }
  const PostTopics moved_key(PostTopics::Texts{.key = "k",
                                               .lang = "1ja",
                                               .entry_id = "tag:blog.example.org,2025:k1",
                                               .source_path = "2025/04/k1.md",
                                               .tags = "x\x1fy",
                                               .categories = "日記"});
  BOOST_TEST(!(a == moved_key));  // "k1" + "ja" against "k" + "1ja": where the parts end
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace feedd::storage
