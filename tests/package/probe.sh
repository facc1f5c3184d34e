#!/bin/bash
# The package test's checks, run by pkgtest-probe.service inside the container that
# tests/package/run.sh boots (systemd as PID 1, this machine's /usr and dpkg database as
# writable overlays, no feedd installed). README "Debian package"'s commands, in order: install
# the .deb with apt, run feedd and man, enable and start the units, fetch a feed, upgrade,
# remove, purge. One line per check goes to /results/report.txt ("PASS name: detail" or
# "FAIL name: detail"), then "DONE". `probe.sh --finish` saves the journal and powers off.
source /opt/feedd-support/nspawn.sh probe   # pass, fail, check, eq, prop, state
P=/opt/feedd-package        # bin/: this directory; deb/: the package; posts/: the sample store

if [ "${1:-}" = --finish ]; then
  probe_finish
fi
probe_start
export MANPAGER=cat DEBIAN_FRONTEND=noninteractive

none_exist() {
  local f
  for f in "$@"; do
    if [ -e "$f" ] || [ -L "$f" ]; then
      echo "left: $f" >> $R/probe.log
      return 1
    fi
  done
}
only_conffile_left() { [ -f /etc/feedd/feedd.toml ] && none_exist "$@"; }
apt_get() { apt-get -y -q -o Dpkg::Use-Pty=0 "$@" >> $R/apt.log 2>&1; }

deb=$(ls $P/deb/feedd_*.deb)
version=$(dpkg-deb -f "$deb" Version)
# apt's directories (the container's /var is an empty tmpfs); no package lists: everything the
# package depends on is already installed on this machine, so nothing is downloaded.
mkdir -p /var/cache/apt/archives/partial /var/lib/apt/lists/partial /var/log/apt

# This machine's /usr may hold a policy-rc.d that forbids maintainer scripts to start or stop
# services (Docker-style CI images do: exit 101); a Debian 12 system has none. Out of the
# container's /usr (the overlay's upper layer; the host keeps its file).
if [ -e /usr/sbin/policy-rc.d ]; then
  rm -f /usr/sbin/policy-rc.d
  check no-policy-rc.d "this machine's /usr/sbin/policy-rc.d hidden in the container" test ! -e /usr/sbin/policy-rc.d
fi

# --- install ---
rc=0
apt_get install "$deb" || rc=$?
check apt-install "apt-get install ./$(basename "$deb"): exit $rc" eq "$rc" 0
check dpkg-status "dpkg: $(dpkg-query -W -f '${Status} ${Version}' feedd)" \
  eq "$(dpkg-query -W -f '${Status} ${Version}' feedd)" "install ok installed $version"
out=$(feedd --version 2>&1)
check version "feedd --version: $out" eq "$out" "feedd $version"
check man-feedd "man -w feedd: $(man -w feedd 2>&1)" eq "$(man -w feedd 2>&1)" /usr/share/man/man8/feedd.8.gz
check man-feedd-sections "man feedd shows COMMANDS, SIGNALS, FILES, EXIT STATUS" \
  sh -c 'man feedd 2>/dev/null | col -b > /tmp/feedd.8.txt && for s in COMMANDS SIGNALS FILES "EXIT STATUS"; do grep -qx "$s" /tmp/feedd.8.txt || exit 1; done'
check man-feedd-toml "man 5 feedd.toml shows store.rescan_s's default" \
  sh -c 'man 5 feedd.toml 2>/dev/null | col -b | grep -q "rescan_s (default: 600"'
# The installed completion, loaded as bash-completion loads it, completes `feedd <TAB>`.
out=$(bash -c 'source /usr/share/bash-completion/bash_completion
  source /usr/share/bash-completion/completions/feedd
  COMP_WORDS=(feedd ""); COMP_CWORD=1; _feedd; echo "${COMPREPLY[*]}"' 2>&1)
check bash-completion "feedd <TAB>: $out" eq "$out" "serve build check posts --config --help --version"
check not-enabled "after install: feedd.socket $(systemctl is-enabled feedd.socket 2>&1), feedd.service $(state)" \
  test "$(systemctl is-enabled feedd.socket 2>&1)" = disabled -a "$(state)" = inactive/dead
check webhook-secret "postinst made /etc/feedd/webhook-secret: $(stat -c '%a %U %s bytes' /etc/feedd/webhook-secret 2>&1)" \
  eq "$(stat -c '%a %U %s' /etc/feedd/webhook-secret 2>&1)" "600 root 0"

# --- run: README "Debian package" ---
cp -a $P/posts /srv/posts
chmod -R u+w,a+rX /srv/posts
rc=0
timeout 120 systemctl enable --now feedd.socket feedd.service || rc=$?
check enable-now "systemctl enable --now feedd.socket feedd.service: exit $rc, $(state), '$(prop StatusText)'" \
  test "$rc" = 0 -a "$(state)" = active/running -a "$(prop StatusText)" = "serving 9 feeds, snapshot 1"
check fetch-feed "GET $URL/en/atom.xml on loopback: an Atom feed with entries" \
  sh -c "curl -sf $URL/en/atom.xml | grep -q '<entry>'"
check dynamic-user "runs as $(ps -o user= -p "$(prop MainPID)") with its index in /var/lib/private/feedd" \
  test "$(ps -o user= -p "$(prop MainPID)")" = feedd -a -f /var/lib/private/feedd/index.sqlite

# --- upgrade (the same version again): the running service restarts, an edit of the conffile stays ---
pid=$(prop MainPID)
echo '# edited by the probe' >> /etc/feedd/feedd.toml
rc=0
apt_get install --reinstall "$deb" || rc=$?
check upgrade "apt-get install --reinstall: exit $rc; MainPID $pid -> $(prop MainPID), $(state)" \
  test "$rc" = 0 -a "$(prop MainPID)" != "$pid" -a "$(state)" = active/running
check upgrade-conffile "the edited /etc/feedd/feedd.toml is kept" \
  eq "$(tail -n1 /etc/feedd/feedd.toml)" '# edited by the probe'
check upgrade-serves "GET $URL/ja/atom.xml after the upgrade" curl -sf -o /dev/null $URL/ja/atom.xml

# --- stop, remove, purge ---
systemctl stop feedd.service feedd.socket
check stop "systemctl stop: Result=$(prop Result), $(state)" \
  test "$(prop Result)" = success -a "$(state)" = inactive/dead
systemctl start feedd.socket feedd.service   # running again, so that removing must stop it
dpkg-query -L feedd | while read -r f; do [ -d "$f" ] || echo "$f"; done > $R/package-files.txt
rc=0
apt_get remove feedd || rc=$?
mapfile -t files < $R/package-files.txt
check remove "apt-get remove: exit $rc; feedd.service $(state), feedd.socket $(state feedd.socket); $(dpkg-query -W -f '${Status}' feedd)" \
  test "$rc" = 0 -a "$(state)" = inactive/dead -a "$(state feedd.socket)" = inactive/dead \
  -a "$(dpkg-query -W -f '${Status}' feedd)" = "deinstall ok config-files"
mapfile -t removed < <(grep -vx /etc/feedd/feedd.toml $R/package-files.txt)
check remove-files "remove: of the package's ${#files[@]} files only the conffile /etc/feedd/feedd.toml is left" \
  only_conffile_left "${removed[@]}"
# A post store kept in the state directory (the unit's comment offers it) is the admin's.
mkdir -p /var/lib/private/feedd/posts
echo kept > /var/lib/private/feedd/posts/kept.md
rc=0
apt_get purge feedd || rc=$?
check purge-keeps-foreign-files "purge: /var/lib/feedd/posts/kept.md stays, feedd's index goes: $(ls -A /var/lib/private/feedd 2>&1 | tr '\n' ' ')" \
  test -f /var/lib/feedd/posts/kept.md -a ! -e /var/lib/private/feedd/index.sqlite \
  -a "$(ls -A /var/lib/private/feedd)" = posts
rm -rf /var/lib/private/feedd /var/lib/feedd   # the admin takes the store away
check purge "apt-get purge: exit $rc; $(dpkg-query -W -f '${Status}' feedd 2>&1 | head -n1)" \
  test "$rc" = 0 -a -z "$(dpkg-query -W -f '${Status}' feedd 2>/dev/null | grep -v not-installed)"
check purge-files "purge: none of the ${#files[@]} files, /etc/feedd, the state directory, unit links" \
  none_exist "${files[@]}" /etc/feedd /var/lib/feedd /var/lib/private/feedd \
  /etc/systemd/system/sockets.target.wants/feedd.socket /etc/systemd/system/multi-user.target.wants/feedd.service
left=$(find /etc /usr /var -xdev \( -name '*feedd*' -o -lname '*feedd*' \) 2>/dev/null | LC_ALL=C sort)
check purge-nothing-left "find /etc /usr /var -name '*feedd*': ${left:-nothing}" eq "$left" ""
echo DONE >> "$REPORT"
