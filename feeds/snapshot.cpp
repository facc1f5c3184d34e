#include "feeds/snapshot.h"

#include <brotli/encode.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <future>

#include "common/encoding.h"
#include "common/sha256.h"
#include "feeds/http_date.h"

namespace feedd::feeds {
namespace {

// Brotli quality: measured on a 66 KB Atom feed (Release, 2-core EPYC): q11 118 ms -> 8.4 KB,
// q9 11 ms -> 9.3 KB, q6 1.9 ms -> 9.6 KB (gzip -9: 1.7 ms -> 10.1 KB). A regeneration
// recompresses up to seven feeds and pages, and the change-to-served budget is 100 ms, so
// only tiny bodies get q11.
constexpr std::size_t kBrotliBestUpTo = 4 * 1024;
constexpr int kBrotliQuality = 6;

// Adds the memfd copy of a body worth sending with sendfile().
std::shared_ptr<const Representation> with_file(Representation representation,
                                                std::string_view name) {
  if (representation.body.size() >= kSendfileMin) {
    representation.file = MemoryFile::create(name, representation.body);
  }
  return std::make_shared<const Representation>(std::move(representation));
}

// Last-Modified as a function of what the resource shows and when it is built, never of
// the snapshots before: replicas started at different times serve the same fields.
void set_last_modified(Resource& resource, std::chrono::sys_seconds last_modified,
                       std::chrono::sys_seconds built_at) {
  resource.last_modified = std::min(last_modified, built_at);
  resource.last_modified_text =
      last_modified != kUndated ? format_http_date(resource.last_modified) : std::string();
}

}  // namespace

std::shared_ptr<const Resource> make_resource(
    ResourceSource source, std::chrono::sys_seconds built_at,
    const std::shared_ptr<const FeedVersions>& previous_versions) {
  auto resource = std::make_shared<Resource>();
  resource->path = std::move(source.path);
  resource->content_type = std::move(source.content_type);
  resource->browser_content_type = std::move(source.browser_content_type);
  resource->link = std::move(source.link);
  const bool browser = !resource->browser_content_type.empty();
  set_last_modified(*resource, source.last_modified, built_at);

  Representation identity;
  identity.etag = make_etag(source.body, Coding::identity);
  identity.browser_etag = browser ? make_etag(source.body, Coding::identity, true) : "";
  if (source.compress && !source.body.empty()) {
    std::string gz = gzip_compress(source.body);
    if (!gz.empty() && gz.size() < source.body.size()) {
      resource->representations[static_cast<std::size_t>(Coding::gzip)] =
          with_file(Representation{std::move(gz), make_etag(source.body, Coding::gzip),
                                   browser ? make_etag(source.body, Coding::gzip, true) : ""},
                    resource->path);
    }
    std::string br = brotli_compress(source.body);
    if (!br.empty() && br.size() < source.body.size()) {
      resource->representations[static_cast<std::size_t>(Coding::br)] =
          with_file(Representation{std::move(br), make_etag(source.body, Coding::br),
                                   browser ? make_etag(source.body, Coding::br, true) : ""},
                    resource->path);
    }
  }
  if (source.entry_set != nullptr && source.delta_versions > 0) {
    resource->versions = FeedVersions::next(previous_versions.get(), identity.etag,
                                            std::move(source.entry_set), source.delta_versions);
  }
  identity.body = std::move(source.body);
  resource->representations[static_cast<std::size_t>(Coding::identity)] =
      with_file(std::move(identity), resource->path);
  return resource;
}

MemoryFile MemoryFile::create(std::string_view name, std::string_view bytes) {
  common::UniqueFd fd(
      memfd_create(std::string("feedd:").append(name).c_str(), MFD_CLOEXEC | MFD_ALLOW_SEALING));
  if (!fd) {
    return {};
  }
  std::size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::write(fd.get(), bytes.data() + written, bytes.size() - written);
    if (n <= 0) {
      return {};  // the partial one closes as `fd` goes away
    }
    written += static_cast<std::size_t>(n);
  }
  // Unsealed, the bytes could change under a sendfile() in flight: better none at all.
  if (fcntl(fd.get(), F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) != 0) {
    return {};
  }
  MemoryFile file;
  file.fd_ = std::move(fd);
  return file;
}

std::string_view coding_name(Coding coding) {
  switch (coding) {
    case Coding::gzip:
      return "gzip";
    case Coding::br:
      return "br";
    case Coding::identity:
      break;
  }
  return "identity";
}

std::string make_etag(std::string_view identity, Coding coding, bool browser) {
  const common::Sha256Digest digest = common::sha256(identity);
  std::string etag;
  etag.reserve(32);
  etag += '"';
  etag +=
      common::base64url_encode(std::string_view(reinterpret_cast<const char*>(digest.data()), 16));
  if (coding == Coding::gzip) {
    etag += "-gz";
  } else if (coding == Coding::br) {
    etag += "-br";
  }
  if (browser) {
    etag += "-xml";
  }
  etag += '"';
  return etag;
}

std::string gzip_compress(std::string_view bytes) {
  z_stream stream{};
  // windowBits 15 + 16: gzip framing (header with mtime 0, so the bytes are deterministic).
  if (deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, 31, 9, Z_DEFAULT_STRATEGY) != Z_OK) {
    return {};
  }
  std::string out(deflateBound(&stream, bytes.size()), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  stream.avail_in = static_cast<uInt>(bytes.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  const int status = deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return status == Z_STREAM_END ? out : std::string{};
}

std::string brotli_compress(std::string_view bytes) {
  const int quality = bytes.size() <= kBrotliBestUpTo ? BROTLI_MAX_QUALITY : kBrotliQuality;
  std::string out(BrotliEncoderMaxCompressedSize(bytes.size()), '\0');
  std::size_t size = out.size();
  if (out.empty() ||
      !BrotliEncoderCompress(quality, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_TEXT, bytes.size(),
                             reinterpret_cast<const uint8_t*>(bytes.data()), &size,
                             reinterpret_cast<uint8_t*>(out.data()))) {
    return {};
  }
  out.resize(size);
  return out;
}

std::shared_ptr<const Snapshot> Snapshot::build(
    std::vector<ResourceSource> sources, std::chrono::sys_seconds built_at,
    std::uint64_t generation, const Snapshot* previous, CacheLifetimes lifetimes,
    std::vector<std::pair<std::string, std::size_t>> posts_by_lang,
    std::shared_ptr<const TopicCatalog> topics, std::shared_ptr<const ArchiveCatalog> archives) {
  std::shared_ptr<Snapshot> snapshot(new Snapshot());
  snapshot->cache_control_ = "public, max-age=" + std::to_string(lifetimes.max_age_s);
  snapshot->archive_cache_control_ =
      "public, max-age=" + std::to_string(lifetimes.archive_max_age_s);
  snapshot->topics_ = topics ? std::move(topics) : TopicCatalog::build({}, 0);
  snapshot->archives_ =
      archives ? std::move(archives) : ArchiveCatalog::build({}, ArchiveCatalog::Options{});
  snapshot->generation_ = generation;
  snapshot->built_at_ = built_at;
  snapshot->posts_by_lang_ = std::move(posts_by_lang);
  snapshot->resources_.reserve(sources.size());
  // Unchanged resources are taken over; the changed ones are compressed in parallel (gzip
  // and brotli of a 66 KB feed take ~3.6 ms, and a change touches up to seven resources).
  std::vector<std::pair<std::string, std::future<std::shared_ptr<const Resource>>>> fresh;
  for (ResourceSource& source : sources) {
    const Resource* old = previous ? previous->find(source.path) : nullptr;
    if (old && old->content_type == source.content_type &&
        old->browser_content_type == source.browser_content_type && old->link == source.link &&
        old->get(Coding::identity)->body == source.body) {
      if (old->last_modified == std::min(source.last_modified, built_at)) {
        snapshot->resources_.emplace(source.path, previous->resources_.find(source.path)->second);
      } else {
        // The same bytes with another newest date (an edit's time moved from when feedd saw
        // it to its commit's; an entry gone from a page that does not show dates): the
        // bodies and their ETags are kept, Last-Modified is this build's.
        auto moved = std::make_shared<Resource>(*old);
        set_last_modified(*moved, source.last_modified, built_at);
        snapshot->resources_.emplace(source.path, std::move(moved));
      }
      ++snapshot->reused_;
      continue;
    }
    std::string path = source.path;
    std::shared_ptr<const FeedVersions> versions = old ? old->versions : nullptr;
    fresh.emplace_back(std::move(path),
                       std::async(std::launch::async, [source = std::move(source), built_at,
                                                       versions = std::move(versions)]() mutable {
                         return std::shared_ptr<const Resource>(
                             make_resource(std::move(source), built_at, versions));
                       }));
  }
  for (auto& [path, resource] : fresh) {
    snapshot->resources_.insert_or_assign(std::move(path), resource.get());
  }
  return snapshot;
}

const Resource* Snapshot::find(std::string_view path) const {
  auto it = resources_.find(path);
  return it == resources_.end() ? nullptr : it->second.get();
}

}  // namespace feedd::feeds
