// Post keys in order, kept in one block: an archive page lists 100 of them, and the catalogs
// keep every page (at a million posts, 20,000 pages: 64 MB as separate strings of the bench
// store's keys, about 28 MB as one block each). A value type: immutable once shared;
// thread-compatible.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

namespace feedd::feeds {

class KeyList {
 public:
  class iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = std::string_view;
    using difference_type = std::ptrdiff_t;
    using pointer = const std::string_view*;
    using reference = std::string_view;

    iterator() = default;
    iterator(const KeyList* list, std::size_t i) : list_(list), i_(i) {}
    std::string_view operator*() const { return (*list_)[i_]; }
    iterator& operator++() {
      ++i_;
      return *this;
    }
    iterator operator++(int) {
      iterator before = *this;
      ++i_;
      return before;
    }
    bool operator==(const iterator& other) const { return i_ == other.i_; }

   private:
    const KeyList* list_ = nullptr;
    std::size_t i_ = 0;
  };

  KeyList() = default;
  KeyList(std::initializer_list<std::string_view> keys) {
    for (const std::string_view key : keys) {
      push_back(key);
    }
  }

  // Room for `keys` keys of `bytes` bytes in all.
  void reserve(std::size_t keys, std::size_t bytes) {
    ends_.reserve(keys);
    text_.reserve(bytes);
  }
  void push_back(std::string_view key) {
    text_ += key;
    ends_.push_back(static_cast<std::uint32_t>(text_.size()));
  }

  std::size_t size() const { return ends_.size(); }
  bool empty() const { return ends_.empty(); }
  std::string_view operator[](std::size_t i) const {
    const std::uint32_t begin = i == 0 ? 0 : ends_[i - 1];
    return std::string_view(text_).substr(begin, ends_[i] - begin);
  }
  std::string_view front() const { return (*this)[0]; }
  iterator begin() const { return iterator(this, 0); }
  iterator end() const { return iterator(this, size()); }
  // The keys as strings (what Index::posts_by_keys() takes).
  std::vector<std::string> strings() const { return {begin(), end()}; }

  bool operator==(const KeyList&) const = default;

 private:
  std::string text_;                 // the keys one after another
  std::vector<std::uint32_t> ends_;  // where each ends in text_
};

}  // namespace feedd::feeds
