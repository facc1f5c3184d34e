#include "feeds/html_document.h"

#include <gumbo.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstring>
#include <string_view>

#include "common/text.h"
#include "feeds/html_nesting.h"
#include "feeds/xml_text.h"

namespace feedd::feeds {
namespace {

std::atomic<std::uint64_t> bodies_parsed{0};  // html_bodies_parsed()

// Everything gumbo allocates for one parse, freed at once: gumbo frees piecemeal
// (recursively, over the whole tree) and feedd needs nothing of the tree afterwards.
class Arena {
 public:
  static void* allocate(void* self, std::size_t size) {
    return static_cast<Arena*>(self)->take(size);
  }
  static void deallocate(void* /*self*/, void* /*block*/) {}

 private:
  static constexpr std::size_t kChunk = 32 * 1024;

  void* take(std::size_t size) {
    size = std::max<std::size_t>((size + 15) & ~std::size_t{15}, 16);  // new[] aligns to 16
    if (size > kChunk / 4) {
      return blocks_.emplace_back(new std::byte[size]).get();
    }
    if (chunks_.empty() || used_ + size > kChunk) {
      chunks_.emplace_back(new std::byte[kChunk]);
      used_ = 0;
    }
    void* block = chunks_.back().get() + used_;
    used_ += size;
    return block;
  }

  std::vector<std::unique_ptr<std::byte[]>> chunks_;
  std::vector<std::unique_ptr<std::byte[]>> blocks_;
  std::size_t used_ = 0;
};

// Phrasing elements that do not separate words; any other element counts as white space.
constexpr std::array<GumboTag, 21> kInline = {
    GUMBO_TAG_A,    GUMBO_TAG_ABBR,   GUMBO_TAG_B,    GUMBO_TAG_CITE, GUMBO_TAG_CODE,
    GUMBO_TAG_EM,   GUMBO_TAG_I,      GUMBO_TAG_KBD,  GUMBO_TAG_MARK, GUMBO_TAG_Q,
    GUMBO_TAG_RP,   GUMBO_TAG_RT,     GUMBO_TAG_RUBY, GUMBO_TAG_S,    GUMBO_TAG_SMALL,
    GUMBO_TAG_SPAN, GUMBO_TAG_STRONG, GUMBO_TAG_SUB,  GUMBO_TAG_SUP,  GUMBO_TAG_U,
    GUMBO_TAG_VAR};
// Elements whose content is no text a reader sees.
constexpr std::array<GumboTag, 8> kHidden = {
    GUMBO_TAG_SCRIPT, GUMBO_TAG_STYLE,  GUMBO_TAG_TEMPLATE, GUMBO_TAG_RT,
    GUMBO_TAG_RP,     GUMBO_TAG_IFRAME, GUMBO_TAG_NOEMBED,  GUMBO_TAG_NOFRAMES};
// Attributes holding one URL.
constexpr std::array<std::string_view, 5> kUrlAttributes = {"href", "src", "poster", "cite",
                                                            "action"};

template <std::size_t N>
bool is_one_of(GumboTag tag, const std::array<GumboTag, N>& tags) {
  return std::find(tags.begin(), tags.end(), tag) != tags.end();
}

void trim_end(std::string& text) {
  while (!text.empty() && text.back() == ' ') {
    text.pop_back();
  }
}

}  // namespace

// Walks the tree once, without recursion (bodies nest as deep as html_nesting.h allows).
class HtmlDocumentBuilder {
 public:
  explicit HtmlDocumentBuilder(HtmlDocument& document) : document_(document) {}

  void build() {
    const std::string& source = document_.source_;
    if (source.empty()) {
      return;
    }
    bodies_parsed.fetch_add(1, std::memory_order_relaxed);
    if (!nesting_within_bounds(source)) {
      document_.too_deep_ = true;
      return;
    }
    Arena arena;
    GumboOptions options = kGumboDefaultOptions;
    options.allocator = &Arena::allocate;
    options.deallocator = &Arena::deallocate;
    options.userdata = &arena;
    options.max_errors = 0;  // the default (-1) records every parse error
    options.fragment_context = GUMBO_TAG_BODY;
    options.fragment_namespace = GUMBO_NAMESPACE_HTML;
    const GumboOutput* output = gumbo_parse_with_options(&options, source.data(), source.size());
    walk(output->root);
    // No gumbo_destroy_output: the arena owns every byte of the tree.
    trim_end(document_.text_);
    std::vector<UrlAttribute>& urls = document_.urls_;
    // The adoption agency clones elements with their attributes: one value, many nodes.
    std::stable_sort(urls.begin(), urls.end(),
                     [](const auto& a, const auto& b) { return a.offset < b.offset; });
    urls.erase(std::unique(urls.begin(), urls.end(),
                           [](const auto& a, const auto& b) { return a.offset == b.offset; }),
               urls.end());
  }

 private:
  struct Frame {
    const GumboNode* node;
    unsigned next_child;
  };

  void walk(const GumboNode* root) {
    std::vector<Frame> stack{{root, 0}};
    while (!stack.empty()) {
      Frame& frame = stack.back();
      const GumboVector& children = frame.node->v.element.children;
      if (frame.next_child == children.length) {
        if (stack.size() > 1) {
          leave(frame.node);
        }
        stack.pop_back();
        continue;
      }
      const auto* child = static_cast<const GumboNode*>(children.data[frame.next_child++]);
      if (child->type == GUMBO_NODE_ELEMENT || child->type == GUMBO_NODE_TEMPLATE) {
        enter(child);
        stack.push_back({child, 0});
      } else if (child->type != GUMBO_NODE_COMMENT && hidden_ == 0) {
        append_collapsed(child->v.text.text);
      }
    }
  }

  void enter(const GumboNode* node) {
    const GumboElement& element = node->v.element;
    collect_urls(element);
    if (!is_one_of(element.tag, kInline)) {
      separate();
    }
    if (node->type == GUMBO_NODE_TEMPLATE || is_one_of(element.tag, kHidden)) {
      ++hidden_;
    }
    if (element.tag == GUMBO_TAG_P && element.tag_namespace == GUMBO_NAMESPACE_HTML &&
        hidden_ == 0 && paragraph_ == nullptr && document_.first_paragraph_.empty()) {
      paragraph_ = node;
      paragraph_start_ = document_.text_.size();
    }
  }

  void leave(const GumboNode* node) {
    const GumboElement& element = node->v.element;
    if (node->type == GUMBO_NODE_TEMPLATE || is_one_of(element.tag, kHidden)) {
      --hidden_;
    }
    if (!is_one_of(element.tag, kInline)) {
      separate();
    }
    if (node == paragraph_) {
      std::string text = document_.text_.substr(paragraph_start_);
      trim_end(text);
      const std::size_t first = text.find_first_not_of(' ');
      document_.first_paragraph_ = first == std::string::npos ? std::string() : text.substr(first);
      paragraph_ = nullptr;
    }
  }

  void collect_urls(const GumboElement& element) {
    const std::string& source = document_.source_;
    for (unsigned i = 0; i < element.attributes.length; ++i) {
      const auto& attribute = *static_cast<const GumboAttribute*>(element.attributes.data[i]);
      const std::string_view name = attribute.name;
      const bool srcset = name == "srcset" && attribute.attr_namespace == GUMBO_ATTR_NAMESPACE_NONE;
      const bool url =
          (attribute.attr_namespace == GUMBO_ATTR_NAMESPACE_NONE &&
           std::find(kUrlAttributes.begin(), kUrlAttributes.end(), name) != kUrlAttributes.end()) ||
          (attribute.attr_namespace == GUMBO_ATTR_NAMESPACE_XLINK && name == "href");
      const GumboStringPiece& raw = attribute.original_value;
      // Gumbo 0.10.1 gives a valueless attribute (`<img src>`, `<img src=>`) its name as
      // original_value, not the documented empty piece: only a value after the name counts.
      if ((!srcset && !url) || raw.data <= attribute.original_name.data || raw.length == 0 ||
          raw.data < source.data() || raw.data + raw.length > source.data() + source.size()) {
        continue;
      }
      document_.urls_.push_back(UrlAttribute{static_cast<std::size_t>(raw.data - source.data()),
                                             raw.length, srcset, attribute.value});
    }
  }

  // Appends `text`, collapsing white space (including U+00A0) to single spaces.
  void append_collapsed(std::string_view text) {
    std::string& out = document_.text_;
    std::size_t i = 0;
    while (i < text.size()) {
      std::size_t run = i;
      while (run < text.size() && !common::text::is_html_space(text[run]) && text[run] != '\xC2') {
        ++run;
      }
      out.append(text, i, run - i);
      if (run == text.size()) {
        break;
      }
      const bool nbsp = text[run] == '\xC2' && run + 1 < text.size() && text[run + 1] == '\xA0';
      if (common::text::is_html_space(text[run]) || nbsp) {
        separate();
        i = run + (nbsp ? 2 : 1);
      } else {
        out.push_back(text[run]);  // the lead byte of another U+0080..U+00BF
        i = run + 1;
      }
    }
  }

  void separate() {
    std::string& out = document_.text_;
    if (hidden_ == 0 && !out.empty() && out.back() != ' ') {
      out.push_back(' ');
    }
  }

  HtmlDocument& document_;
  int hidden_ = 0;
  const GumboNode* paragraph_ = nullptr;
  std::size_t paragraph_start_ = 0;
};

HtmlDocument::HtmlDocument(std::string source) : source_(std::move(source)) {
  HtmlDocumentBuilder(*this).build();
}

std::uint64_t html_bodies_parsed() { return bodies_parsed.load(std::memory_order_relaxed); }

std::shared_ptr<const HtmlDocument> parse_content(const storage::Post& post) {
  return parse_content(post.content_html);
}

std::shared_ptr<const HtmlDocument> parse_content(std::string_view content_html) {
  return std::make_shared<const HtmlDocument>(clean_xml_text(content_html));
}

}  // namespace feedd::feeds
