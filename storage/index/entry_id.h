// Stable entry ids: RFC 4151 tag: URIs "tag:<host>,<YYYY-MM-DD>:<key>" built from the host of
// site.base_url, the post's first date and its key. Derived only from the store, so a rebuilt
// index (or another replica) gives the same ids. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace feedd::storage {

// `key` is percent-encoded where RFC 4151's "specific" part does not allow it.
std::string make_entry_id(std::string_view base_url, std::string_view local_date,
                          std::string_view key);

}  // namespace feedd::storage
