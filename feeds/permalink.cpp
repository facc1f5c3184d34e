// permalink() (declared in feeds/render.h): a post's absolute URL from post.url or the
// site's template.
#include <algorithm>
#include <array>
#include <string_view>

#include "common/encoding.h"
#include "common/padded_digits.h"
#include "common/text.h"
#include "feeds/absolute_links.h"
#include "feeds/dates.h"
#include "feeds/render.h"

namespace feedd::feeds {
namespace {

// Percent-encodes everything but RFC 3986 unreserved characters and '/', so keys and
// slugs with spaces or non-ASCII letters still give a valid URL.
std::string encode_path_part(std::string_view text) {
  std::string out;
  common::append_percent_encoded(out, text, [](unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~' || c == '/';
  });
  return out;
}

std::string padded(long value, int width) {
  char buffer[common::kMaxPaddedDigits];
  return {buffer, common::put_padded(buffer, value, width)};
}

// The fields a post_url template may name, as permalink() expands them.
constexpr std::array<std::string_view, 7> kFields = {"base_url", "yyyy", "mm",  "dd",
                                                     "id",       "slug", "lang"};

// The fields permalink() expands, as "{base_url} {yyyy} ..." for messages.
std::string permalink_fields() {
  std::string out;
  for (const std::string_view field : kFields) {
    out.append(out.empty() ? "{" : " {").append(field).append("}");
  }
  return out;
}

}  // namespace

std::optional<std::string> post_url_problem(std::string_view tmpl) {
  bool names_the_post = false;
  for (std::size_t open = tmpl.find('{'); open != std::string_view::npos;
       open = tmpl.find('{', open + 1)) {
    const std::size_t close = tmpl.find_first_of("{}", open + 1);
    if (close == std::string_view::npos || tmpl[close] == '{') {
      return "a { without its } at byte " + std::to_string(open + 1);
    }
    const std::string_view name = tmpl.substr(open + 1, close - open - 1);
    if (std::find(kFields.begin(), kFields.end(), name) == kFields.end()) {
      return "unknown field {" + std::string(name) + "} (known: " + permalink_fields() + ")";
    }
    names_the_post = names_the_post || name == "id" || name == "slug";
  }
  if (!names_the_post) {
    return std::string("neither {id} nor {slug}: posts would share one link");
  }
  return std::nullopt;
}

std::string permalink(const SiteOptions& site, const storage::Post& post) {
  // The reader refuses a url of another scheme; an index written before it did may still
  // hold one (javascript:), which must not become an href: such a post gets the template's.
  if (!post.url.empty() && common::text::is_http_or_relative(post.url)) {
    return resolve_url(site.base_url, post.url);
  }
  const LocalDate day = local_date(post.published, site.timezone);
  const std::string year = padded(day.year, 4);
  const std::string_view slug = post.slug.empty() ? post.key : post.slug;
  const std::string_view tmpl = site.post_url_template;
  std::string out;
  std::size_t i = 0;
  while (i < tmpl.size()) {
    const std::size_t open = tmpl.find('{', i);
    const std::size_t close = open == std::string_view::npos ? open : tmpl.find('}', open);
    if (close == std::string_view::npos) {
      out.append(tmpl.substr(i));
      break;
    }
    out.append(tmpl.substr(i, open - i));
    const std::string_view name = tmpl.substr(open + 1, close - open - 1);
    if (name == "base_url") {
      out.append(site.base_url);
    } else if (name == "yyyy") {
      out.append(year);
    } else if (name == "mm") {
      out.append(padded(day.month, 2));
    } else if (name == "dd") {
      out.append(padded(day.day, 2));
    } else if (name == "id") {
      out.append(encode_path_part(post.key));
    } else if (name == "slug") {
      out.append(encode_path_part(slug));
    } else if (name == "lang") {
      out.append(encode_path_part(post.lang));
    } else {
      out.append(tmpl.substr(open, close - open + 1));  // unknown: kept as written
    }
    i = close + 1;
  }
  return resolve_url(site.base_url, out);
}

}  // namespace feedd::feeds
