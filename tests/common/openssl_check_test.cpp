// SHA-256 against FIPS 180-2 vectors, and what an OpenSSL failure does: one stderr line that
// names the call and OpenSSL's own reason, then SIGABRT (checked in a forked child).
#include "common/openssl_check.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <csignal>
#include <string>

#include "common/encoding.h"
#include "common/sha256.h"

namespace feedd::common {
BOOST_AUTO_TEST_SUITE(openssl_check)

namespace {

BOOST_AUTO_TEST_CASE(sha256_matches_the_fips_vectors) {
  BOOST_TEST(sha256_hex("abc") ==
             "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  BOOST_TEST(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  const Sha256Digest digest = sha256("abc");
  BOOST_TEST(hex_encode(std::string_view(reinterpret_cast<const char*>(digest.data()),
                                         digest.size())) == sha256_hex("abc"));
}

BOOST_AUTO_TEST_CASE(message_names_the_call_and_drains_the_queue) {
  ERR_clear_error();
  BOOST_TEST(openssl_failure_message("EVP_DigestUpdate") ==
             "OpenSSL EVP_DigestUpdate failed: no OpenSSL error queued");
  // A real failure: an unknown digest name queues OpenSSL's own reason.
  BOOST_TEST(EVP_MD_fetch(nullptr, "no-such-digest", nullptr) == nullptr);
  const std::string message = openssl_failure_message("EVP_MD_fetch");
  BOOST_TEST(message.starts_with("OpenSSL EVP_MD_fetch failed: error:"));
  BOOST_TEST(message.find("unsupported") != std::string::npos, message);
  BOOST_TEST(ERR_peek_error() == 0UL);
}

BOOST_AUTO_TEST_CASE(failure_writes_one_line_and_aborts) {
  int fds[2];
  BOOST_REQUIRE(pipe(fds) == 0);
  const pid_t pid = fork();
  BOOST_REQUIRE(pid >= 0);
  if (pid == 0) {
    dup2(fds[1], STDERR_FILENO);
    std::signal(SIGABRT, SIG_DFL);  // Boost.Test's monitor would catch it
    ERR_clear_error();
    check_openssl(false, "EVP_DigestFinal_ex");
    _exit(0);  // not reached: check_openssl must not return on failure
  }
  close(fds[1]);
  std::string output;
  char buffer[512];
  for (ssize_t n; (n = read(fds[0], buffer, sizeof buffer)) > 0;) {
    output.append(buffer, static_cast<std::size_t>(n));
  }
  close(fds[0]);
  int status = 0;
  BOOST_REQUIRE(waitpid(pid, &status, 0) == pid);
  BOOST_TEST(WIFSIGNALED(status));
  BOOST_TEST(WTERMSIG(status) == SIGABRT);
  BOOST_TEST(
      output.starts_with("feedd: OpenSSL EVP_DigestFinal_ex failed: no OpenSSL error queued\n"),
      output);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace feedd::common
