#include "storage/index/translation_pairing.h"

#include <algorithm>
#include <map>
#include <string>
#include <string_view>

namespace feedd::storage {
namespace {

// Navigation lines show titles with their language marker ("[Eng] Title"); the post's title
// has it removed. A neighbour title names `title` when it is the title, or ends with it after
// a marker-like prefix.
bool names(std::string_view neighbour, std::string_view title) {
  if (title.empty() || neighbour.empty()) {
    return false;
  }
  if (neighbour == title) {
    return true;
  }
  if (neighbour.size() > title.size() && neighbour.ends_with(title)) {
    auto prefix = neighbour.substr(0, neighbour.size() - title.size());
    return prefix.back() == ' ' || prefix.back() == ']';
  }
  return false;
}

// `later` comes right after `earlier` by the navigation lines of either.
bool follows(const Post& earlier, const Post& later) {
  return names(earlier.next_title, later.title) || names(later.previous_title, earlier.title);
}

bool linked(const Post& a, const Post& b) { return follows(a, b) || follows(b, a); }

constexpr std::size_t kNone = static_cast<std::size_t>(-1);

// partner[i][lang]: the index of post i's translation into `lang`, when paired.
class DayPairing {
 public:
  explicit DayPairing(const std::vector<Post>& day)
      : day_(day), languages_(languages_of(day)), partner_(day.size()) {}

  void pair_by_navigation() {
    for (std::size_t i = 0; i < day_.size(); ++i) {
      for (const auto& lang : languages_) {
        if (lang == day_[i].lang || paired(i, lang)) {
          continue;
        }
        std::size_t chosen = kNone;
        for (std::size_t j = 0; j < day_.size(); ++j) {
          if (day_[j].lang != lang || paired(j, day_[i].lang) || !linked(day_[i], day_[j])) {
            continue;
          }
          // The first linked one, unless a later one follows this post directly.
          if (chosen == kNone || (!follows(day_[i], day_[chosen]) && follows(day_[i], day_[j]))) {
            chosen = j;
          }
        }
        if (chosen != kNone) {
          join(i, chosen);
        }
      }
    }
  }

  // Posts whose navigation lines name no page of that day (or who have none): a pair of
  // languages with exactly one such unpaired post each that day belong together. A page whose
  // lines name a page of the day but found no partner stays unpaired: it sits among that
  // day's other articles, and being the last one left does not make it a translation.
  void pair_the_only_ones() {
    for (const auto& a : languages_) {
      for (const auto& b : languages_) {
        if (a >= b) {
          continue;
        }
        auto only_a = only_unpaired(a, b);
        auto only_b = only_unpaired(b, a);
        if (only_a != kNone && only_b != kNone) {
          join(only_a, only_b);
        }
      }
    }
  }

  std::vector<std::size_t> partners_of(std::size_t self) const {
    std::vector<std::size_t> out;
    for (const auto& [lang, index] : partner_[self]) {
      out.push_back(index);
    }
    std::sort(out.begin(), out.end());
    return out;
  }

 private:
  // The day's languages, sorted.
  static std::vector<std::string> languages_of(const std::vector<Post>& day) {
    std::vector<std::string> langs;
    for (const auto& post : day) {
      if (std::find(langs.begin(), langs.end(), post.lang) == langs.end()) {
        langs.push_back(post.lang);
      }
    }
    std::sort(langs.begin(), langs.end());
    return langs;
  }

  bool paired(std::size_t i, const std::string& lang) const { return partner_[i].contains(lang); }

  void join(std::size_t a, std::size_t b) {
    partner_[a][day_[b].lang] = b;
    partner_[b][day_[a].lang] = a;
  }

  bool names_a_page_of_the_day(std::size_t i) const {
    for (std::size_t j = 0; j < day_.size(); ++j) {
      if (j != i && linked(day_[i], day_[j])) {
        return true;
      }
    }
    return false;
  }

  // The one post in `lang` without a translation into `other` whose navigation lines name no
  // page of the day, or kNone (none, or several).
  std::size_t only_unpaired(const std::string& lang, const std::string& other) const {
    std::size_t found = kNone;
    for (std::size_t i = 0; i < day_.size(); ++i) {
      if (day_[i].lang == lang && !paired(i, other) && !names_a_page_of_the_day(i)) {
        if (found != kNone) {
          return kNone;
        }
        found = i;
      }
    }
    return found;
  }

  const std::vector<Post>& day_;
  std::vector<std::string> languages_;
  std::vector<std::map<std::string, std::size_t>> partner_;
};

}  // namespace

std::vector<std::size_t> pick_page_text_translations(std::size_t self,
                                                     const std::vector<Post>& day) {
  if (self >= day.size() || day.size() > kMaxPagesPaired) {
    return {};
  }
  DayPairing pairing(day);
  pairing.pair_by_navigation();
  pairing.pair_the_only_ones();
  return pairing.partners_of(self);
}

}  // namespace feedd::storage
