// The unit files in systemd/: `systemd-analyze verify` finds nothing wrong with them, and
// `systemd-analyze security --offline=true` rates feedd.service at 1.5 or lower. Where
// systemd-analyze is not installed (Debian package: systemd, in .ci/packages) these tests
// fail, saying so: a check that did not run must not pass.
//
// verify checks that ExecStart='s binary exists, and /usr/bin/feedd is not installed on a build
// machine: the test verifies copies of the units whose ExecStart= names the built binary.
#include <boost/test/unit_test.hpp>
#include <regex>
#include <sstream>

#include "tests/support/test_support.h"

namespace feedd::testing {
BOOST_AUTO_TEST_SUITE(systemd_units)

namespace {

namespace fs = std::filesystem;

constexpr double kMaxExposure = 1.5;

// The tool's path; fails the calling test when it is not installed.
fs::path systemd_analyze() {
  for (const char* dir : {"/usr/bin", "/bin", "/usr/local/bin"}) {
    fs::path candidate = fs::path(dir) / "systemd-analyze";
    if (fs::exists(candidate)) {
      return candidate;
    }
  }
  BOOST_FAIL("systemd-analyze is not installed (apt-get install systemd): cannot check the units");
  return {};
}

fs::path unit(std::string_view name) { return source_dir() / "systemd" / name; }

// Copies the units into `dir`, pointing ExecStart= at the binary built beside this test.
void copy_units_for_verify(const fs::path& dir) {
  std::string service = read_file(unit("feedd.service"));
  const std::string installed = "ExecStart=/usr/bin/feedd ";
  auto at = service.find(installed);
  BOOST_REQUIRE_MESSAGE(at != std::string::npos, "feedd.service has no " << installed);
  service.replace(at, installed.size(), "ExecStart=" + feedd_binary().string() + " ");
  write_file(dir / "feedd.service", service);
  write_file(dir / "feedd.socket", read_file(unit("feedd.socket")));
}

std::vector<std::string> lines_mentioning(const std::string& output, std::string_view word) {
  std::vector<std::string> found;
  std::istringstream in(output);
  for (std::string line; std::getline(in, line);) {
    if (line.find(word) != std::string::npos) {
      found.push_back(line);
    }
  }
  return found;
}

BOOST_AUTO_TEST_CASE(service_is_rated_at_most_1_5_by_systemd_analyze_security) {
  CommandResult r = run_command({systemd_analyze().string(), "security", "--offline=true",
                                 "--no-pager", unit("feedd.service").string()});
  BOOST_TEST_INFO("systemd-analyze security says:\n" << r.output);
  std::smatch match;
  static const std::regex kOverall(
      R"(Overall exposure level for feedd\.service: ([0-9]+\.[0-9]+))");
  BOOST_REQUIRE(std::regex_search(r.output, match, kOverall));
  double exposure = std::stod(match[1].str());
  BOOST_TEST_MESSAGE("feedd.service exposure: " << match[1].str());
  BOOST_TEST(exposure <= kMaxExposure);
}

BOOST_AUTO_TEST_CASE(units_pass_systemd_analyze_verify) {
  TempDir dir;
  copy_units_for_verify(dir.path());
  CommandResult r =
      run_command({systemd_analyze().string(), "verify", "--no-pager",
                   (dir / "feedd.service").string(), (dir / "feedd.socket").string()});
  BOOST_TEST(r.exit_status == 0, r.output);
  BOOST_TEST(lines_mentioning(r.output, "feedd").empty(), r.output);
  // Complaints about the machine's own units are not ours, but worth seeing.
  BOOST_WARN_MESSAGE(r.output.empty(), "systemd-analyze verify printed:\n" << r.output);
}

BOOST_AUTO_TEST_CASE(verify_would_notice_a_broken_unit) {
  TempDir dir;
  copy_units_for_verify(dir.path());
  std::string service = read_file(dir / "feedd.service");
  // A setting systemd cannot parse, and a Sockets= naming no unit.
  service.replace(service.find("\nType=notify\n"), 13, "\nType=bogus\n");
  service.replace(service.find("\nSockets=feedd.socket\n"), 22, "\nSockets=feedd-missing.socket\n");
  write_file(dir / "feedd.service", service);
  CommandResult r = run_command(
      {systemd_analyze().string(), "verify", "--no-pager", (dir / "feedd.service").string()});
  BOOST_TEST(!lines_mentioning(r.output, "feedd").empty(), r.output);
}

BOOST_AUTO_TEST_CASE(service_keeps_the_settings_feedd_relies_on) {
  std::string service = read_file(unit("feedd.service"));
  for (std::string_view line :
       {"Type=notify\n", "ExecStart=/usr/bin/feedd --config /etc/feedd/feedd.toml serve\n",
        "ExecReload=/bin/kill -HUP $MAINPID\n", "WatchdogSec=30\n", "Sockets=feedd.socket\n",
        "StateDirectory=feedd\n", "LoadCredential=webhook-secret:/etc/feedd/webhook-secret\n",
        "DynamicUser=yes\n", "Restart=on-failure\n"}) {
    BOOST_TEST(service.find(line) != std::string::npos, "feedd.service lacks " << line);
  }
  std::string socket = read_file(unit("feedd.socket"));
  BOOST_TEST(socket.find("ListenStream=0.0.0.0:8080\n") != std::string::npos);
  BOOST_TEST(socket.find("ListenStream=[::]:8080\n") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace feedd::testing
