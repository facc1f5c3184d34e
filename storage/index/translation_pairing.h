// Pairs a page-text post with its translations when no translation_key says so: the blog
// saves one article in two languages as neighbouring posts on the same date. Pure; thread-safe.
#pragma once

#include <vector>

#include "storage/post.h"

namespace feedd::storage {

// From `candidates` (other posts on post.local_date, in other languages), picks at most one
// per language: the one the navigation lines link to the post (either direction), else the
// only candidate of that language. Returns indexes into `candidates`, in their order.
std::vector<std::size_t> pick_page_text_translations(const Post& post,
                                                     const std::vector<Post>& candidates);

}  // namespace feedd::storage
