// The boost::system::error_category of an error enum, written once: a category name, a
// message per value (given by a function that returns null for a value it does not know),
// and "<unknown prefix><number>" for such a value. Immutable after construction; use one
// function-local static per enum (as request_error_category() does). Thread-safe.
#pragma once

#include <boost/system/error_category.hpp>
#include <string>

namespace feedd::common {

template <class Enum>
class EnumErrorCategory final : public boost::system::error_category {
 public:
  // `describe(value)`: the message of a known value, null otherwise. The strings must
  // outlive the category (string literals).
  using Describe = const char* (*)(Enum value);

  EnumErrorCategory(const char* name, const char* unknown_prefix, Describe describe)
      : name_(name), unknown_prefix_(unknown_prefix), describe_(describe) {}

  const char* name() const noexcept override { return name_; }
  std::string message(int value) const override {
    if (const char* text = describe_(static_cast<Enum>(value))) {
      return text;
    }
    return unknown_prefix_ + std::to_string(value);
  }

 private:
  const char* name_;
  const char* unknown_prefix_;
  Describe describe_;
};

}  // namespace feedd::common
