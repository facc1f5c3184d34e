#include "storage/readers/library_versions.h"

#include <elf.h>
#include <link.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <fstream>

#include "common/encoding.h"

namespace feedd::storage {
namespace {

// Build IDs are 8 to 20 bytes as ld makes them (xxhash, md5, uuid, sha1); a longer one (given
// by hand, --build-id=0x...) counts as none.
constexpr std::size_t kMaxBuildIdBytes = 64;

constexpr std::size_t padded(std::size_t size, std::size_t align) {
  return (size + align - 1) / align * align;
}

// The descriptor of the NT_GNU_BUILD_ID note among the notes of one PT_NOTE segment, or "".
// As glibc reads notes: a 12-byte header, the name, then the descriptor and the next note
// each at a multiple of the segment's alignment (4, or 8 for .note.gnu.property).
std::string_view build_id_in(std::string_view notes, std::size_t align) {
  std::size_t at = 0;
  while (at < notes.size() && notes.size() - at >= sizeof(ElfW(Nhdr))) {
    ElfW(Nhdr) header;
    std::memcpy(&header, notes.data() + at, sizeof header);
    const std::size_t desc_at = at + padded(sizeof header + header.n_namesz, align);
    if (desc_at > notes.size() || header.n_descsz > notes.size() - desc_at) {
      return {};  // a truncated note: nothing after it can be trusted
    }
    // namesz counts the terminating NUL: "GNU\0" is 4.
    const std::string_view name = notes.substr(at + sizeof header, header.n_namesz);
    if (header.n_type == NT_GNU_BUILD_ID && header.n_namesz == 4 &&
        name.substr(0, 3) == std::string_view{"GNU"}) {
      return notes.substr(desc_at, header.n_descsz);
    }
    at = padded(desc_at + header.n_descsz, align);
  }
  return {};
}

// Whether `path`'s file name is `library` itself or `library` and a version ("libx.so.0").
// The main program's name is "": no library names it.
bool names_library(std::string_view path, std::string_view library) {
  const std::size_t slash = path.rfind('/');
  const std::string_view file = slash == std::string_view::npos ? path : path.substr(slash + 1);
  return !library.empty() && file.starts_with(library) &&
         (file.size() == library.size() || file[library.size()] == '.');
}

// What dl_iterate_phdr's callback fills in. The ID is copied, not encoded there: nothing
// allocates (and so nothing throws) inside the loader's lock.
struct Search {
  std::string_view library;
  std::array<char, kMaxBuildIdBytes> id{};
  std::size_t id_size = 0;
};

int search_object(dl_phdr_info* info, std::size_t /*size*/, void* data) {
  auto& search = *static_cast<Search*>(data);
  if (info->dlpi_name == nullptr || !names_library(info->dlpi_name, search.library)) {
    return 0;
  }
  for (ElfW(Half) i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& segment = info->dlpi_phdr[i];
    if (segment.p_type != PT_NOTE) {
      continue;
    }
    // The segment is mapped at the object's load address plus its p_vaddr; the loader gives
    // that address as an integer, so there is no pointer to derive it from.
    // NOLINTNEXTLINE(performance-no-int-to-ptr): dlpi_addr is the loader's base address
    const auto* start = reinterpret_cast<const char*>(info->dlpi_addr + segment.p_vaddr);
    const std::string_view id =
        build_id_in(std::string_view(start, segment.p_memsz), segment.p_align == 8 ? 8 : 4);
    if (!id.empty() && id.size() <= search.id.size()) {
      std::copy(id.begin(), id.end(), search.id.begin());
      search.id_size = id.size();
      break;
    }
  }
  return 1;  // the object was found, with or without a build ID: stop
}

}  // namespace

std::string tzdata_version(const std::filesystem::path& tzdata_zi) {
  std::ifstream in(tzdata_zi);
  std::string line;
  if (!std::getline(in, line)) {
    return std::string(kUnknownVersion);
  }
  constexpr std::string_view kPrefix = "# version ";
  std::string_view rest(line);
  if (!rest.starts_with(kPrefix)) {
    return std::string(kUnknownVersion);
  }
  rest.remove_prefix(kPrefix.size());
  constexpr std::string_view kSpace = " \t\r";
  const std::size_t start = rest.find_first_not_of(kSpace);
  if (start == std::string_view::npos) {
    return std::string(kUnknownVersion);
  }
  rest.remove_prefix(start);
  return std::string(rest.substr(0, rest.find_first_of(kSpace)));
}

std::string loaded_build_id(std::string_view library) {
  Search search;
  search.library = library;
  dl_iterate_phdr(search_object, &search);
  if (search.id_size == 0) {
    return std::string(kUnknownVersion);
  }
  return common::hex_encode(std::string_view(search.id.data(), search.id_size));
}

const LibraryVersions& library_versions() {
  static const LibraryVersions versions{tzdata_version(), loaded_build_id("libmd4c.so"),
                                        loaded_build_id("libmd4c-html.so")};
  return versions;
}

}  // namespace feedd::storage
