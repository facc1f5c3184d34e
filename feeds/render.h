// Renders one feed's entries as Atom 1.0, RSS 2.0 or JSON Feed 1.1 bytes.
// Pure and deterministic: no clock, no I/O; the same input gives byte-identical output.
// Thread-safe. Never throws for odd content: characters XML 1.0 forbids and invalid UTF-8
// are dropped, relative links in content are made absolute against the entry's URL.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "feeds/entry.h"
#include "feeds/site_options.h"

namespace feedd::feeds {

std::string render_atom(const SiteOptions& site, const FeedContent& feed);
std::string render_rss(const SiteOptions& site, const FeedContent& feed);
std::string render_json(const SiteOptions& site, const FeedContent& feed);

// The absolute permalink of a post: post.url when set (made absolute against base_url),
// else site.post_url_template with {base_url} {yyyy} {mm} {dd} {id} {slug} {lang}
// expanded (date parts in site.timezone; {slug} falls back to the key).
std::string permalink(const SiteOptions& site, const storage::Post& post);
// What is wrong with a post_url template (nullopt: nothing): a {name} permalink() does not
// know, a '{' without its '}', or neither {id} nor {slug}. The configuration refuses such a
// template, rather than give posts links with braces left in, or one link to many posts.
std::optional<std::string> post_url_problem(std::string_view tmpl);

}  // namespace feedd::feeds
