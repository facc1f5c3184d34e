// The yaml-cpp front matter parser feedd used before issue 12, as a baseline for
// bench/front_matter.sh (same contract as storage/readers/front_matter.h). Not in the build.
#pragma once

#include <string_view>

#include "storage/readers/front_matter.h"

namespace feedd::bench {

storage::FrontMatter yamlcpp_front_matter(std::string_view text, int first_line);

}  // namespace feedd::bench
