// Pairs page-text posts with their translations when no translation_key says so: the blog
// saves one article in two languages as neighbouring posts on the same date. Pure; thread-safe.
#pragma once

#include <cstddef>
#include <vector>

#include "storage/post.h"

namespace feedd::storage {

// `day` holds every page-text post without a translation_key on one local date, all
// languages, in publication order (published, position, source_path). Pairs the whole day at
// once, so the answer is symmetric (a post's translation has the post as its translation) and
// no post is claimed twice: walking the day in order, each post takes, per other language,
// the first still-unpaired post its navigation lines link to (either direction), preferring
// the one after it (a translation follows its original); then posts whose navigation lines
// name no page of that day pair when each is the only such unpaired post of its language.
// Ambiguous by nature: in "X_en, Y_ja, Y_en" X_en takes Y_ja (page order decides). Returns the
// indexes into `day` of day[self]'s translations, at most one per language, in ascending order.
// Pairing a day costs O(pages²) and runs for each page shown: a day with more pages than this
// (no blog writes that many a day; a hostile or generated store might) is not paired at all.
inline constexpr std::size_t kMaxPagesPaired = 256;

std::vector<std::size_t> pick_page_text_translations(std::size_t self,
                                                     const std::vector<Post>& day);

}  // namespace feedd::storage
