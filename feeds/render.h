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
// The first {name} in a post_url template that permalink() does not know (nullopt when every
// one is known): the configuration refuses it, rather than give every post a link with the
// braces left in.
std::optional<std::string> unknown_permalink_field(std::string_view tmpl);
// The fields permalink() expands, as "{base_url} {yyyy} ..." for messages.
std::string permalink_fields();

}  // namespace feedd::feeds
