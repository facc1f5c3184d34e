// SHA-256 against FIPS 180-2's examples, and the framed incremental form: whatever the sizes
// of its fields, the digest is that of the framed bytes (each field's length as 8 native
// bytes, then the field) hashed in one piece. The digests of pages and topics are stored
// (built files) and compared across versions: the stream must never change, whatever
// Sha256 does inside (gathering small fields was tried: ~1 % of a one-file rebuild).
#include "common/sha256.h"

#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace feedd::common {
BOOST_AUTO_TEST_SUITE(sha256_test)

namespace {

// The bytes Sha256::field() hashes for `fields`.
std::string framed(const std::vector<std::string>& fields) {
  std::string stream;
  for (const std::string& field : fields) {
    const std::uint64_t length = field.size();
    char bytes[sizeof length];
    std::memcpy(bytes, &length, sizeof length);
    stream.append(bytes, sizeof length);
    stream += field;
  }
  return stream;
}

std::string incremental(const std::vector<std::string>& fields) {
  Sha256 hash;
  for (const std::string& field : fields) {
    hash.field(field);
  }
  return hash.hex();
}

}  // namespace

BOOST_AUTO_TEST_CASE(fips_180_2_examples) {
  BOOST_TEST(sha256_hex("abc") ==
             "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  BOOST_TEST(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
             "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  BOOST_TEST(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

BOOST_AUTO_TEST_CASE(fields_are_framed_by_their_length) {
  BOOST_TEST(incremental({"ab", "c"}) != incremental({"a", "bc"}));
  BOOST_TEST(incremental({"ab", "c"}) == sha256_hex(framed({"ab", "c"})));
  BOOST_TEST(incremental({}) == sha256_hex(""));
  BOOST_TEST(incremental({""}) == sha256_hex(std::string(8, '\0')));
}

// Sizes around typical buffer edges, in random sequences: the same digest as the whole
// stream at once.
BOOST_AUTO_TEST_CASE(any_sequence_of_sizes_gives_the_digest_of_the_whole_stream) {
  const std::vector<std::size_t> sizes = {0,   1,   7,   8,   9,   100, 495,  496, 497,
                                          503, 504, 505, 511, 512, 513, 1000, 5000};
  std::mt19937 random(7);
  for (int round = 0; round < 2000; ++round) {
    std::vector<std::string> fields(1 + random() % 6);
    for (std::string& field : fields) {
      field.resize(sizes[random() % sizes.size()]);
      for (char& c : field) {
        c = static_cast<char>(random());
      }
    }
    BOOST_TEST_CONTEXT("round " << round) {
      BOOST_TEST(incremental(fields) == sha256_hex(framed(fields)));
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace feedd::common
