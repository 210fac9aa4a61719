#!/usr/bin/env bats
# rocks-dist: building, mirroring and imaging a distribution, against
# fixture packages built with rpmbuild, dnf reading the result and a real
# HTTP server on 127.0.0.1.

load helper
bats_require_minimum_version 1.5.0

setup_file() {
  export F=$BATS_FILE_TMPDIR/fix
  bash "$ROCKS_SRCDIR/t/data/dist/mkfixtures" "$F"
  # The roll image is made by rocks-dist itself and read back by xorriso in
  # the iso tests.
  printf 'dist_lock = %s/lock\n' "$BATS_FILE_TMPDIR" >"$BATS_FILE_TMPDIR/rocks.conf"
  ROCKS_CONF=$BATS_FILE_TMPDIR/rocks.conf rocks-dist -r "$F/rollsrc" -L BIO \
    iso "$F/roll.iso"
}

setup() {
  rocks_setup
  export HOME=$T
  export ROOT=$T/dist
  printf 'dist_lock = %s/rocks-dist.lock\ndist_conf = %s/rocks-dist.conf\n' \
    "$T" "$T" >>"$ROCKS_CONF"
  printf 'root = %s\n' "$ROOT" >"$T/rocks-dist.conf"
  SRC=(--os "$F/os" --updates "$F/updates" --contrib "$F/contrib"
       --local "$F/local" --roll "$F/roll" --roll "$F/roll.iso"
       --profile "$F/profile" --site-profile "$F/site")
  CORRUPT="rocks-dist: $F/os/Packages/corrupt.rpm: not an RPM, skipped"
  SERVER_PID=
}

teardown() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; fi
  rocks_teardown
}

# Everything about a tree that a failed build must not change: names,
# kinds, link targets, sizes and the content of every regular file.
snapshot() {
  (cd "$1" && find . -printf '%y %p %l %s %m\n' | sort &&
    find . -type f -exec sha256sum {} + | sort)
}

# The tree's packages: one line per entry of RedHat/RPMS and SRPMS, with
# the link target relative to the fixtures.
packages() {
  (cd "$ROOT" && find RedHat/RPMS SRPMS -mindepth 1 -printf '%y %p %l\n' |
    sed "s|$F/||; s|$ROOT/||" | sort)
}

build_all() {
  rocks-dist "${SRC[@]}" dist "$@" >/dev/null 2>&1
}

dnf_dist() {
  local repo=$1
  shift
  mkdir -p "$T/dnf/reposd"
  printf '[main]\ngpgcheck=0\nreposdir=%s\ncachedir=%s\nlogdir=%s\npersistdir=%s\n' \
    "$T/dnf/reposd" "$T/dnf/cache" "$T/dnf/log" "$T/dnf/persist" >"$T/dnf/dnf.conf"
  dnf -q -c "$T/dnf/dnf.conf" --installroot="$T/dnf/root" --releasever=9 \
    --setopt=cachedir="$T/dnf/cache" --repofrompath=dist,"file://$repo" \
    --repo=dist "$@"
}

start_server() {
  rm -f "$T/port" "$T/http.log"
  python3 "$ROCKS_SRCDIR/t/data/dist/httpd.py" "$@" "$T/port" "$T/http.log" 3>&- &
  SERVER_PID=$!
  for _ in $(seq 400); do [ -s "$T/port" ] && break; sleep 0.05; done
  PORT=$(cat "$T/port")
  URL=http://127.0.0.1:$PORT
}

@test "dist merges every source, newest of each package winning" {
  run --separate-stderr rocks-dist "${SRC[@]}" dist
  [ "$status" -eq 0 ]
  [ "$output" = "added bio-2.0-1.noarch
added epochpkg-1:1.0-1.noarch
added extra-1.0-1.noarch
added foo-1.0-1.i686
added foo-1.0-1.src
added foo-1.1-1.x86_64
added hpc-1.0-1.noarch
added libbar-1.0-1.x86_64
added tool-2.0-1.noarch" ]
  [ "$stderr" = "$CORRUPT" ]
  run packages
  [ "$output" = "f RedHat/RPMS/bio-2.0-1.noarch.rpm 
l RedHat/RPMS/epochpkg-1.0-1.noarch.rpm updates/epochpkg-1.0-1.noarch.rpm
l RedHat/RPMS/extra-1.0-1.noarch.rpm contrib/extra-1.0-1.noarch.rpm
l RedHat/RPMS/foo-1.0-1.i686.rpm os/Packages/foo-1.0-1.i686.rpm
l RedHat/RPMS/foo-1.1-1.x86_64.rpm updates/foo-1.1-1.x86_64.rpm
l RedHat/RPMS/hpc-1.0-1.noarch.rpm roll/hpc/1.0/x86_64/RedHat/RPMS/hpc-1.0-1.noarch.rpm
l RedHat/RPMS/libbar-1.0-1.x86_64.rpm os/Packages/libbar-1.0-1.x86_64.rpm
l RedHat/RPMS/tool-2.0-1.noarch.rpm local/tool-2.0-1.noarch.rpm
l SRPMS/foo-1.0-1.src.rpm os/Packages/foo-1.0-1.src.rpm" ]
  # The image's package was unpacked into the tree, not linked.
  cmp "$ROOT/RedHat/RPMS/bio-2.0-1.noarch.rpm" \
    "$F/rollsrc/bio/2.0/x86_64/RedHat/RPMS/bio-2.0-1.noarch.rpm"
  [ "$(readlink "$ROOT/images")" = "$F/os/images" ]
  run bash -c "cd '$ROOT/build' && find . -type f | sort"
  [ "$output" = "./graphs/default/base.xml
./graphs/default/hpc.xml
./nodes/base.xml
./nodes/bio.xml
./nodes/hpc.xml
./site-nodes/extend-compute.xml" ]
  # Nothing left beside the tree, and the lock is gone.
  run bash -c "ls -A '$T' | grep -v '^separate-stderr-'"
  [ "$output" = "dist
rocks-dist.conf
rocks.conf" ]
}

@test "dist shows its progress on a terminal, and only there" {
  run script -qec "rocks-dist ${SRC[*]} dist >/dev/null" /dev/null
  [ "$status" -eq 0 ]
  # One line, redrawn in place (cursor up, clear to the end) and cleared.
  [[ "$output" == *"rocks-dist: reading headers [##############################] 14/14"$'\r\n\e[1A\e[J'* ]]
  [[ "$output" == *"$CORRUPT"* ]]
  rm -rf "$ROOT"
  run --separate-stderr rocks-dist "${SRC[@]}" dist
  [ "$stderr" = "$CORRUPT" ]
}

@test "dist: dnf lists the tree, resolves an install and downloads it" {
  build_all
  run --separate-stderr dnf_dist "$ROOT" list --available
  [ "$status" -eq 0 ]
  [ "$output" = "Available Packages
bio.noarch                                2.0-1                             dist
epochpkg.noarch                           1:1.0-1                           dist
extra.noarch                              1.0-1                             dist
foo.i686                                  1.0-1                             dist
foo.x86_64                                1.1-1                             dist
hpc.noarch                                1.0-1                             dist
libbar.x86_64                             1.0-1                             dist
tool.noarch                               2.0-1                             dist" ]
  # dnf insists on root for install, even --downloadonly into a private
  # installroot; a user namespace gives it that and nothing more.
  as_root=()
  [ "$(id -u)" = 0 ] || as_root=(unshare -r)
  run --separate-stderr "${as_root[@]}" bash -c "$(declare -f dnf_dist); T='$T'; \
    dnf_dist '$ROOT' install -y --downloadonly --downloaddir='$T/dl' foo extra"
  [ "$status" -eq 0 ]
  [ "$output" = "" ]
  run ls "$T/dl"
  [ "$output" = "extra-1.0-1.noarch.rpm
foo-1.1-1.x86_64.rpm
libbar-1.0-1.x86_64.rpm
tool-2.0-1.noarch.rpm" ]
  cmp "$T/dl/tool-2.0-1.noarch.rpm" "$F/local/tool-2.0-1.noarch.rpm"
}

@test "dist: the comps groups of the sources reach dnf" {
  build_all
  run --separate-stderr dnf_dist "$ROOT" group list
  [ "$status" -eq 0 ]
  [ "$output" = "Available Groups:
   Cluster fixture" ]
  run grep -c '<data type="group' "$ROOT/repodata/repomd.xml"
  [ "$output" = 2 ]
}

@test "dist: a rebuild with nothing changed reports nothing and reads no header" {
  build_all
  before=$(packages)
  run --separate-stderr rocks-dist -v "${SRC[@]}" dist
  [ "$status" -eq 0 ]
  [ "$output" = "" ]
  [ "$stderr" = "$CORRUPT
rocks-dist: 8 binary and 1 source packages, 1 skipped; 0 headers read, 14 from the cache; the tree was up to date" ]
  [ "$(packages)" = "$before" ]
}

@test "dist: a changed profile reaches build/ though no package changed" {
  cp -r "$F/site" "$T/site"
  rocks-dist --os "$F/os" --site-profile "$T/site" dist >/dev/null 2>&1
  printf '<kickstart><package>extra</package></kickstart>\n' \
    >"$T/site/site-nodes/extend-compute.xml"
  run --separate-stderr rocks-dist -v --os "$F/os" --site-profile "$T/site" dist
  [ "$status" -eq 0 ]
  [ "$output" = "" ]
  [ "$stderr" = "$CORRUPT
rocks-dist: 5 binary and 1 source packages, 1 skipped; 0 headers read, 7 from the cache" ]
  [ "$(cat "$ROOT/build/site-nodes/extend-compute.xml")" = \
    "<kickstart><package>extra</package></kickstart>" ]
}

@test "dist repairs a tree damaged by hand" {
  build_all
  rm "$ROOT/RedHat/RPMS/tool-2.0-1.noarch.rpm"
  run --separate-stderr rocks-dist "${SRC[@]}" dist
  [ "$status" -eq 0 ]
  [ "$output" = "" ]
  [ "$(readlink "$ROOT/RedHat/RPMS/tool-2.0-1.noarch.rpm")" = \
    "$F/local/tool-2.0-1.noarch.rpm" ]
}

@test "dist: a changed file is read again" {
  mkdir -p "$T/upd"
  cp "$F/updates/foo-1.1-1.x86_64.rpm" "$T/upd/"
  rocks-dist --os "$F/os" --updates "$T/upd" dist 2>/dev/null
  cp "$F/extra/foo-1.2-1.x86_64.rpm" "$T/upd/foo-1.1-1.x86_64.rpm"
  run --separate-stderr rocks-dist -v --os "$F/os" --updates "$T/upd" dist
  [ "$status" -eq 0 ]
  [ "$output" = "upgraded foo-1.1-1.x86_64 -> foo-1.2-1.x86_64" ]
  [ "$stderr" = "$CORRUPT
rocks-dist: 5 binary and 1 source packages, 1 skipped; 1 headers read, 7 from the cache" ]
}

@test "dist: force/RPMS wins over newer packages and reports the downgrade" {
  build_all
  mkdir -p "$ROOT/force/RPMS"
  cp "$F/extra/foo-0.9-1.x86_64.rpm" "$ROOT/force/RPMS/"
  run --separate-stderr rocks-dist "${SRC[@]}" dist
  [ "$status" -eq 0 ]
  [ "$output" = "downgraded foo-1.1-1.x86_64 -> foo-0.9-1.x86_64" ]
  [ "$stderr" = "$CORRUPT" ]
  [ "$(readlink "$ROOT/RedHat/RPMS/foo-0.9-1.x86_64.rpm")" = \
    "$ROOT/force/RPMS/foo-0.9-1.x86_64.rpm" ]
  cmp "$ROOT/force/RPMS/foo-0.9-1.x86_64.rpm" "$F/extra/foo-0.9-1.x86_64.rpm"
  [ ! -e "$ROOT/RedHat/RPMS/foo-1.1-1.x86_64.rpm" ]
  # force/ is kept from build to build.
  run --separate-stderr rocks-dist "${SRC[@]}" dist
  [ "$output" = "" ]
  [ -f "$ROOT/force/RPMS/foo-0.9-1.x86_64.rpm" ]
}

@test "dist: upgrades and removals since the last build" {
  rocks-dist --os "$F/os" --contrib "$F/contrib" dist 2>/dev/null
  run --separate-stderr rocks-dist --os "$F/os" --updates "$F/updates" dist
  [ "$status" -eq 0 ]
  [ "$output" = "upgraded epochpkg-5.0-1.noarch -> epochpkg-1:1.0-1.noarch
removed extra-1.0-1.noarch
upgraded foo-1.0-1.x86_64 -> foo-1.1-1.x86_64" ]
}

@test "dist --dry-run prints the changes and changes nothing" {
  rocks-dist --os "$F/os" dist 2>/dev/null
  before=$(snapshot "$ROOT")
  run --separate-stderr rocks-dist -n --os "$F/os" --updates "$F/updates" dist
  [ "$status" -eq 0 ]
  [ "$output" = "upgraded epochpkg-5.0-1.noarch -> epochpkg-1:1.0-1.noarch
upgraded foo-1.0-1.x86_64 -> foo-1.1-1.x86_64" ]
  [ "$stderr" = "$CORRUPT" ]
  [ "$(snapshot "$ROOT")" = "$before" ]
  run ls -A "$T"
  [[ "$output" != *.new.* ]]
}

@test "dist --dry-run plans from the roll image in place and writes nothing" {
  mkdir "$T/tmp"
  before=$(snapshot "$T" | grep -v separate-stderr)
  TMPDIR=$T/tmp run --separate-stderr rocks-dist -n -v "${SRC[@]}" dist
  [ "$status" -eq 0 ]
  [ "$output" = "added bio-2.0-1.noarch
added epochpkg-1:1.0-1.noarch
added extra-1.0-1.noarch
added foo-1.0-1.i686
added foo-1.0-1.src
added foo-1.1-1.x86_64
added hpc-1.0-1.noarch
added libbar-1.0-1.x86_64
added tool-2.0-1.noarch" ]
  [ "$stderr" = "$CORRUPT
rocks-dist: 8 binary and 1 source packages, 1 skipped; 14 headers read, 0 from the cache (dry run)" ]
  # No tree, no temporary tree, no lock, nothing in TMPDIR.
  [ "$(snapshot "$T" | grep -v separate-stderr)" = "$before" ]
  [ -z "$(ls -A "$T/tmp")" ]
  [ ! -e "$ROOT" ]
}

@test "dist --dry-run on a built tree: the changes a roll image brings" {
  rocks-dist --os "$F/os" --roll "$F/roll.iso" dist 2>/dev/null
  mkdir "$T/tmp"
  before=$(snapshot "$T" | grep -v separate-stderr)
  TMPDIR=$T/tmp run --separate-stderr rocks-dist --dry-run "${SRC[@]}" dist
  [ "$status" -eq 0 ]
  [ "$output" = "upgraded epochpkg-5.0-1.noarch -> epochpkg-1:1.0-1.noarch
added extra-1.0-1.noarch
upgraded foo-1.0-1.x86_64 -> foo-1.1-1.x86_64
added hpc-1.0-1.noarch" ]
  [ "$stderr" = "$CORRUPT" ]
  [ "$(snapshot "$T" | grep -v separate-stderr)" = "$before" ]
  [ -z "$(ls -A "$T/tmp")" ]
}

@test "dist --dry-run: a package of a roll image that is not an RPM is skipped" {
  mkdir -p "$T/badroll/x"
  cp "$F/os/Packages/corrupt.rpm" "$T/badroll/x/"
  cp "$F/os/Packages/libbar-1.0-1.x86_64.rpm" "$T/badroll/x/"
  rocks-dist -r "$T/badroll" -L BAD iso "$T/bad.iso"
  run --separate-stderr rocks-dist -n --roll "$T/bad.iso" dist
  [ "$status" -eq 0 ]
  [ "$output" = "added libbar-1.0-1.x86_64" ]
  [ "$stderr" = "rocks-dist: $T/bad.iso!x/corrupt.rpm: not an RPM, skipped" ]
  [ ! -e "$ROOT" ]
  # The build itself extracts the winner and reads the rest of it.
  run --separate-stderr rocks-dist --roll "$T/bad.iso" dist
  [ "$status" -eq 0 ]
  [ "$output" = "added libbar-1.0-1.x86_64" ]
  cmp "$ROOT/RedHat/RPMS/libbar-1.0-1.x86_64.rpm" "$F/os/Packages/libbar-1.0-1.x86_64.rpm"
  dnf_dist "$ROOT" list --available libbar >/dev/null
}

@test "dist --dry-run takes no lock" {
  hold_lock "$T/rocks-dist.lock"
  run --separate-stderr rocks-dist -n --os "$F/os" dist
  exec 8>&-
  [ "$status" -eq 0 ]
  [ "$(echo "$output" | wc -l)" = 6 ]
  [ "$stderr" = "$CORRUPT" ]
  [ "$(cat "$T/rocks-dist.lock")" = "$$" ]
}

@test "dist removes the trees of killed builds when nothing changed too, --dry-run does not" {
  rocks-dist --os "$F/os" dist 2>/dev/null
  mkdir "$T/.dist.new.AbC123" "$T/.dist.new.xYz789"
  touch "$T/.dist.new.xYz789/file"
  run --separate-stderr rocks-dist -n --os "$F/os" dist
  [ "$status" -eq 0 ]
  [ "$output" = "" ]
  [ -d "$T/.dist.new.AbC123" ] && [ -f "$T/.dist.new.xYz789/file" ]
  run --separate-stderr rocks-dist -v --os "$F/os" dist
  [ "$status" -eq 0 ]
  [ "$output" = "" ]
  [ "$stderr" = "$CORRUPT
rocks-dist: 5 binary and 1 source packages, 1 skipped; 0 headers read, 7 from the cache; the tree was up to date" ]
  [ ! -e "$T/.dist.new.AbC123" ] && [ ! -e "$T/.dist.new.xYz789" ]
}

@test "dist --copy puts copies in the tree" {
  run --separate-stderr rocks-dist --copy --os "$F/os" dist
  [ "$status" -eq 0 ]
  [ -f "$ROOT/RedHat/RPMS/libbar-1.0-1.x86_64.rpm" ]
  [ ! -L "$ROOT/RedHat/RPMS/libbar-1.0-1.x86_64.rpm" ]
  cmp "$ROOT/RedHat/RPMS/libbar-1.0-1.x86_64.rpm" "$F/os/Packages/libbar-1.0-1.x86_64.rpm"
  [ -d "$ROOT/images" ] && [ ! -L "$ROOT/images" ]
  cmp "$ROOT/images/install.img" "$F/os/images/install.img"
}

@test "dist takes its sources from rocks-dist.conf" {
  cat >"$T/rocks-dist.conf" <<CONF
# the test distribution
root = $ROOT
os = $F/os
updates = $F/updates
contrib = $F/contrib
local = $F/local
roll = $F/roll
roll = $F/roll.iso
profile = $F/profile
site_profile = $F/site
CONF
  run --separate-stderr rocks-dist dist
  [ "$status" -eq 0 ]
  [ "$(echo "$output" | wc -l)" = 9 ]
  [ "$stderr" = "$CORRUPT" ]
  run rocks-dist -C "$T/rocks-dist.conf" dist
  [ "$output" = "$CORRUPT" ]
}

@test "dist reads each directory once, through symlink loops too" {
  cp -a "$F/os" "$T/os"
  ln -s .. "$T/os/Packages/up"
  ln -s . "$T/os/self"
  ln -s Packages "$T/os/again"
  run --separate-stderr rocks-dist --os "$T/os" dist
  [ "$status" -eq 0 ]
  [ "$output" = "added epochpkg-5.0-1.noarch
added foo-1.0-1.i686
added foo-1.0-1.src
added foo-1.0-1.x86_64
added libbar-1.0-1.x86_64
added tool-2.0-1.noarch" ]
  [ "$stderr" = "rocks-dist: $T/os/Packages/corrupt.rpm: not an RPM, skipped" ]
}

@test "dist: the next build removes the trees of builds killed part-way" {
  # Many copies of one package make each build read headers for a while.
  mkdir "$T/many"
  for i in $(seq 600); do ln "$F/local/tool-2.0-1.noarch.rpm" "$T/many/tool-$i.rpm"; done
  leftovers() { find "$T" -maxdepth 1 -name '.dist.new.*' | wc -l; }
  rocks-dist --os "$F/os" --local "$T/many" dist >/dev/null 2>&1
  # Timed as the killed builds run: warm, without the header cache.
  rm -f "$ROOT/.rocks-dist/headers.cache"
  start=$(date +%s%N)
  rocks-dist --os "$F/os" --local "$T/many" dist >/dev/null 2>&1
  took_ms=$((($(date +%s%N) - start) / 1000000))
  # Kill -9 at a random point of each build; a build that is already done
  # when the signal comes does not count, and most must be killed.
  killed=0
  for i in $(seq 6); do
    rm -f "$ROOT/.rocks-dist/headers.cache"
    rocks-dist --os "$F/os" --local "$T/many" dist >/dev/null 2>&1 3>&- &
    pid=$!
    sleep "$(awk -v r="$RANDOM" -v t="$took_ms" 'BEGIN { printf "%.3f", r / 32768 * t * 0.5 / 1000 }')"
    kill -9 "$pid" 2>/dev/null || true
    status=0
    wait "$pid" || status=$?
    [ "$status" -eq 137 ] || [ "$status" -eq 0 ]
    [ "$status" -eq 0 ] || killed=$((killed + 1))
    # Each build removes what the killed ones left before it starts.
    [ "$(leftovers)" -le 1 ]
  done
  [ "$killed" -ge 4 ]
  run --separate-stderr rocks-dist --os "$F/os" --local "$T/many" dist
  [ "$status" -eq 0 ]
  [ "$(leftovers)" -eq 0 ]
  run bash -c "ls -A '$T' | grep -v '^separate-stderr-'"
  [ "$output" = "dist
many
rocks-dist.conf
rocks.conf" ]
}

@test "dist: a source that does not exist fails and keeps the old tree" {
  build_all
  before=$(snapshot "$ROOT")
  fails_with "rocks-dist: $T/missing: No such file or directory" rocks-dist "${SRC[@]}" --contrib "$T/missing" dist
  [ "$(snapshot "$ROOT")" = "$before" ]
}

@test "dist: malformed comps.xml fails and keeps the old tree" {
  build_all
  before=$(snapshot "$ROOT")
  run --separate-stderr rocks-dist "${SRC[@]}" --contrib "$F/bad" dist
  [ "$status" -eq 1 ]
  [ "$output" = "" ]
  [ "$stderr" = "$CORRUPT
rocks-dist: $F/bad/comps.xml:3: Opening and ending tag mismatch: group line 2 and comps" ]
  [ "$(snapshot "$ROOT")" = "$before" ]
  run ls -A "$T"
  [[ "$output" != *.new.* ]]
}

@test "dist: a source that is a file fails" {
  fails_with "rocks-dist: $F/roll.iso: not a directory" rocks-dist --os "$F/roll.iso" dist
  [ ! -e "$ROOT" ]
}

@test "dist: a roll image that is not an image fails" {
  fails_with "rocks-dist: $F/os/Packages/corrupt.rpm: Unrecognized archive format" rocks-dist --roll "$F/os/Packages/corrupt.rpm" dist
  [ ! -e "$ROOT" ]
}

@test "dist: a missing profile fails" {
  fails_with "rocks-dist: $T/noprofile: No such file or directory" rocks-dist --os "$F/os" --profile "$T/noprofile" dist
}

@test "dist: the root's parent must exist" {
  fails_with "rocks-dist: $T/no: No such file or directory" rocks-dist -r "$T/no/dist" --os "$F/os" dist
}

@test "dist refuses to run while another process holds the lock" {
  hold_lock "$T/rocks-dist.lock"
  run --separate-stderr rocks-dist --os "$F/os" dist
  exec 8>&-
  [ "$status" -eq 1 ]
  [ "$output" = "" ]
  [ "$stderr" = "rocks-dist: $T/rocks-dist.lock: locked by process $$" ]
  [ ! -e "$ROOT" ]
  [ "$(cat "$T/rocks-dist.lock")" = "$$" ]
}

@test "dist: a lock in a directory other users can write is refused" {
  mkdir -m 1777 "$T/shared"
  printf 'dist_lock = %s/shared/rocks-dist.lock\n' "$T" >>"$ROCKS_CONF"
  fails_with "rocks-dist: $T/shared/rocks-dist.lock: other users can write the directory $T/shared; a lock must be in a directory only root can write" rocks-dist --os "$F/os" dist
  [ ! -e "$ROOT" ]
  [ ! -e "$T/shared/rocks-dist.lock" ]
}

@test "dist: a lock in a directory that does not exist" {
  printf 'dist_lock = %s/no/rocks-dist.lock\n' "$T" >>"$ROCKS_CONF"
  fails_with "rocks-dist: $T/no/rocks-dist.lock: No such file or directory" rocks-dist --os "$F/os" dist
  [ ! -e "$ROOT" ]
}

@test "dist takes over a stale lock and removes it when done" {
  echo 1 >"$T/rocks-dist.lock"
  run --separate-stderr rocks-dist --os "$F/os" dist
  [ "$status" -eq 0 ]
  [ "$stderr" = "$CORRUPT" ]
  [ ! -e "$T/rocks-dist.lock" ]
}

@test "dist: an unknown key in rocks-dist.conf is named with its line" {
  printf 'root = %s\nupdaets = /x\n' "$ROOT" >"$T/rocks-dist.conf"
  fails_with "rocks-dist: $T/rocks-dist.conf:2: unknown key 'updaets' (did you mean 'updates'?)" rocks-dist dist
}

@test "dist: a line without '=' in rocks-dist.conf" {
  printf '# comment\nroot\n' >"$T/rocks-dist.conf"
  fails_with "rocks-dist: $T/rocks-dist.conf:2: expected 'key = value'" rocks-dist dist
}

@test "dist: a bad value in rocks-dist.conf" {
  printf 'copy = maybe\n' >"$T/rocks-dist.conf"
  fails_with "rocks-dist: $T/rocks-dist.conf:1: copy = maybe: expected yes or no" rocks-dist dist
}

@test "dist: a missing --config file" {
  fails_with "rocks-dist: $T/none.conf: No such file or directory" rocks-dist -C "$T/none.conf" dist
}

@test "rocks-dist: bad --jobs" {
  fails_with "rocks-dist: --jobs=many: invalid number (expected 0 to 1024)" rocks-dist --jobs=many dist
}

@test "rocks-dist: no command" {
  run --separate-stderr rocks-dist
  [ "$status" -eq 1 ]
  [ "$output" = "" ]
  [ "$stderr" = "rocks-dist: no command (dist, mirror, iso or cdrom)
Try 'rocks-dist --help' for more information." ]
}

@test "rocks-dist: unknown command" {
  run --separate-stderr rocks-dist build
  [ "$status" -eq 1 ]
  [ "$stderr" = "rocks-dist: build: unknown command (dist, mirror, iso or cdrom)
Try 'rocks-dist --help' for more information." ]
}

@test "rocks-dist: an argument too many" {
  run --separate-stderr rocks-dist dist now
  [ "$status" -eq 1 ]
  [ "$stderr" = "rocks-dist: dist: unexpected argument 'now'
Try 'rocks-dist --help' for more information." ]
}

@test "rocks-dist: mirror needs a URL" {
  run --separate-stderr rocks-dist mirror
  [ "$status" -eq 1 ]
  [ "$stderr" = "rocks-dist: mirror: missing URL
Try 'rocks-dist --help' for more information." ]
}

@test "iso writes an ISO9660 image of the tree that xorriso lists back" {
  build_all
  run --separate-stderr rocks-dist -L CLUSTER iso "$T/dist.iso"
  [ "$status" -eq 0 ]
  [ "$output" = "" ]
  [ "$stderr" = "" ]
  run bash -c "xorriso -indev '$T/dist.iso' -find / -type f 2>/dev/null | sed 's/[0-9a-f]\{64\}-/HASH-/' | sort"
  [ "$output" = "'/RedHat/RPMS/bio-2.0-1.noarch.rpm'
'/RedHat/RPMS/epochpkg-1.0-1.noarch.rpm'
'/RedHat/RPMS/extra-1.0-1.noarch.rpm'
'/RedHat/RPMS/foo-1.0-1.i686.rpm'
'/RedHat/RPMS/foo-1.1-1.x86_64.rpm'
'/RedHat/RPMS/hpc-1.0-1.noarch.rpm'
'/RedHat/RPMS/libbar-1.0-1.x86_64.rpm'
'/RedHat/RPMS/tool-2.0-1.noarch.rpm'
'/SRPMS/foo-1.0-1.src.rpm'
'/build/graphs/default/base.xml'
'/build/graphs/default/hpc.xml'
'/build/nodes/base.xml'
'/build/nodes/bio.xml'
'/build/nodes/hpc.xml'
'/build/site-nodes/extend-compute.xml'
'/images/install.img'
'/repodata/HASH-comps.xml'
'/repodata/HASH-comps.xml.gz'
'/repodata/HASH-filelists.xml.gz'
'/repodata/HASH-other.xml.gz'
'/repodata/HASH-primary.xml.gz'
'/repodata/repomd.xml'" ]
  # Links were followed: the image holds the packages themselves.
  xorriso -osirrox on -indev "$T/dist.iso" \
    -extract /RedHat/RPMS/tool-2.0-1.noarch.rpm "$T/tool.rpm" 2>/dev/null
  cmp "$T/tool.rpm" "$F/local/tool-2.0-1.noarch.rpm"
  run bash -c "xorriso -indev '$T/dist.iso' -pvd_info 2>/dev/null | grep '^Volume Id'"
  [ "$output" = "Volume Id    : CLUSTER" ]
}

@test "cdrom is iso, named after the root by default" {
  build_all
  cd "$T"
  run --separate-stderr rocks-dist cdrom
  [ "$status" -eq 0 ]
  [ "$output" = "" ]
  [ -s "$T/dist.iso" ]
}

@test "iso: a missing distribution fails and writes nothing" {
  fails_with "rocks-dist: $ROOT: No such file or directory" rocks-dist iso "$T/out.iso"
  run ls -A "$T"
  [[ "$output" != *iso* ]]
}

@test "iso: a label that ISO9660 cannot hold" {
  build_all
  fails_with "rocks-dist: volume label 'my cluster': expected 1 to 32 characters of A-Z, 0-9 and _" rocks-dist -L "my cluster" iso "$T/out.iso"
  [ ! -e "$T/out.iso" ]
}

@test "iso: an unwritable destination fails" {
  build_all
  run --separate-stderr rocks-dist iso "$T/no/out.iso"
  [ "$status" -eq 1 ]
  [[ "$stderr" = "rocks-dist: $T/no/out.iso: "* ]]
}

@test "mirror copies a distribution over HTTP; dnf reads the copy" {
  build_all
  start_server "$ROOT"
  run --separate-stderr rocks-dist mirror "$URL/" "$T/copy"
  [ "$status" -eq 0 ]
  [ "$output" = "fetched RedHat/RPMS/bio-2.0-1.noarch.rpm
fetched RedHat/RPMS/epochpkg-1.0-1.noarch.rpm
fetched RedHat/RPMS/extra-1.0-1.noarch.rpm
fetched RedHat/RPMS/foo-1.0-1.i686.rpm
fetched RedHat/RPMS/foo-1.1-1.x86_64.rpm
fetched RedHat/RPMS/hpc-1.0-1.noarch.rpm
fetched RedHat/RPMS/libbar-1.0-1.x86_64.rpm
fetched RedHat/RPMS/tool-2.0-1.noarch.rpm" ]
  [ "$stderr" = "" ]
  for f in "$ROOT"/RedHat/RPMS/*.rpm; do
    cmp "$f" "$T/copy/RedHat/RPMS/${f##*/}"
  done
  diff <(cd "$ROOT/repodata" && ls) <(cd "$T/copy/repodata" && ls)
  [ ! -e "$T/copy/.rocks-mirror" ]
  run --separate-stderr dnf_dist "$T/copy" list --available foo
  [ "$output" = "Available Packages
foo.i686                                1.0-1                               dist
foo.x86_64                              1.1-1                               dist" ]
  # A second run fetches nothing.
  run --separate-stderr rocks-dist -v mirror "$URL" "$T/copy"
  [ "$status" -eq 0 ]
  [ "$output" = "" ]
  [ "$stderr" = "rocks-dist: 0 fetched (0 resumed), 8 unchanged, 0 failed" ]
}

@test "mirror fetches only what changed upstream" {
  rocks-dist --os "$F/os" dist 2>/dev/null
  start_server "$ROOT"
  rocks-dist mirror "$URL" "$T/copy"
  rocks-dist --os "$F/os" --updates "$F/updates" dist 2>/dev/null
  run --separate-stderr rocks-dist mirror "$URL" "$T/copy"
  [ "$status" -eq 0 ]
  [ "$output" = "fetched RedHat/RPMS/epochpkg-1.0-1.noarch.rpm
fetched RedHat/RPMS/foo-1.1-1.x86_64.rpm" ]
}

@test "mirror fetches again a local copy that was damaged" {
  build_all
  start_server "$ROOT"
  rocks-dist mirror "$URL" "$T/copy" >/dev/null
  printf 'damaged\n' >"$T/copy/RedHat/RPMS/tool-2.0-1.noarch.rpm"
  run --separate-stderr rocks-dist mirror "$URL" "$T/copy"
  [ "$status" -eq 0 ]
  [ "$output" = "fetched RedHat/RPMS/tool-2.0-1.noarch.rpm" ]
  [ "$stderr" = "" ]
  cmp "$T/copy/RedHat/RPMS/tool-2.0-1.noarch.rpm" "$F/local/tool-2.0-1.noarch.rpm"
}

@test "mirror resumes an interrupted transfer" {
  build_all
  start_server "$ROOT" --cut=/RedHat/RPMS/foo-1.1-1.x86_64.rpm
  run --separate-stderr rocks-dist -v -j 1 mirror "$URL" "$T/copy"
  [ "$status" -eq 0 ]
  [ "$(echo "$output" | grep -c fetched)" = 8 ]
  [[ "$stderr" = "rocks-dist: $URL/RedHat/RPMS/foo-1.1-1.x86_64.rpm: "*", retrying
rocks-dist: 8 fetched (1 resumed), 0 unchanged, 0 failed" ]]
  size=$(stat -L -c %s "$ROOT/RedHat/RPMS/foo-1.1-1.x86_64.rpm")
  run grep foo-1.1 "$T/http.log"
  [ "$output" = "/RedHat/RPMS/foo-1.1-1.x86_64.rpm -
/RedHat/RPMS/foo-1.1-1.x86_64.rpm bytes=$((size / 2))-" ]
  cmp "$T/copy/RedHat/RPMS/foo-1.1-1.x86_64.rpm" "$F/updates/foo-1.1-1.x86_64.rpm"
}

@test "mirror resumes a partial file left by an earlier run" {
  build_all
  start_server "$ROOT"
  mkdir -p "$T/copy/RedHat/RPMS"
  head -c 1000 "$F/updates/foo-1.1-1.x86_64.rpm" \
    >"$T/copy/RedHat/RPMS/foo-1.1-1.x86_64.rpm.part"
  run --separate-stderr rocks-dist -v mirror "$URL" "$T/copy"
  [ "$status" -eq 0 ]
  [ "$stderr" = "rocks-dist: 8 fetched (1 resumed), 0 unchanged, 0 failed" ]
  run grep foo-1.1 "$T/http.log"
  [ "$output" = "/RedHat/RPMS/foo-1.1-1.x86_64.rpm bytes=1000-" ]
  cmp "$T/copy/RedHat/RPMS/foo-1.1-1.x86_64.rpm" "$F/updates/foo-1.1-1.x86_64.rpm"
}

@test "mirror retries a corrupted package" {
  build_all
  start_server "$ROOT" --corrupt=/RedHat/RPMS/libbar-1.0-1.x86_64.rpm:1
  run --separate-stderr rocks-dist -v mirror "$URL" "$T/copy"
  [ "$status" -eq 0 ]
  size=$(stat -L -c %s "$ROOT/RedHat/RPMS/libbar-1.0-1.x86_64.rpm")
  good=$(sha256sum <"$ROOT/RedHat/RPMS/libbar-1.0-1.x86_64.rpm" | cut -d' ' -f1)
  bad=$(head -c "$size" /dev/zero | tr '\0' x | sha256sum | cut -d' ' -f1)
  [ "$stderr" = "rocks-dist: $URL/RedHat/RPMS/libbar-1.0-1.x86_64.rpm: checksum mismatch (expected sha256 $good, got $bad), retrying
rocks-dist: 8 fetched (0 resumed), 0 unchanged, 0 failed" ]
  cmp "$T/copy/RedHat/RPMS/libbar-1.0-1.x86_64.rpm" "$F/os/Packages/libbar-1.0-1.x86_64.rpm"
}

@test "mirror reports a package that stays corrupt and keeps the old metadata" {
  rocks-dist --os "$F/os" dist 2>/dev/null
  start_server "$ROOT" --corrupt=/RedHat/RPMS/foo-1.1-1.x86_64.rpm:99
  rocks-dist mirror "$URL" "$T/copy"
  before=$(snapshot "$T/copy/repodata")
  rocks-dist --os "$F/os" --updates "$F/updates" dist 2>/dev/null
  run --separate-stderr rocks-dist --retries=1 mirror "$URL" "$T/copy"
  [ "$status" -eq 1 ]
  size=$(stat -c %s "$F/updates/foo-1.1-1.x86_64.rpm")
  good=$(sha256sum <"$F/updates/foo-1.1-1.x86_64.rpm" | cut -d' ' -f1)
  bad=$(head -c "$size" /dev/zero | tr '\0' x | sha256sum | cut -d' ' -f1)
  [ "$output" = "fetched RedHat/RPMS/epochpkg-1.0-1.noarch.rpm" ]
  [ "$stderr" = "rocks-dist: $URL/RedHat/RPMS/foo-1.1-1.x86_64.rpm: checksum mismatch (expected sha256 $good, got $bad)
rocks-dist: 1 of 2 packages could not be fetched" ]
  [ "$(snapshot "$T/copy/repodata")" = "$before" ]
  [ ! -e "$T/copy/RedHat/RPMS/foo-1.1-1.x86_64.rpm" ]
  [ "$(grep -c foo-1.1 "$T/http.log")" = 2 ]
}

@test "mirror: a URL with no repository" {
  mkdir -p "$T/empty"
  start_server "$T/empty"
  fails_with "rocks-dist: $URL/repodata/repomd.xml: The requested URL returned error: 404" rocks-dist mirror "$URL/" "$T/copy"
}

@test "mirror: a repomd.xml that is not XML" {
  mkdir -p "$T/junk/repodata"
  echo 'not xml' >"$T/junk/repodata/repomd.xml"
  start_server "$T/junk"
  fails_with "rocks-dist: $URL/repodata/repomd.xml:1: Start tag expected, '<' not found" rocks-dist mirror "$URL" "$T/copy"
}

@test "mirror: nothing listens on the port" {
  start_server "$ROOT"
  kill "$SERVER_PID"
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=
  run --separate-stderr rocks-dist --retries=0 mirror "$URL" "$T/copy"
  [ "$status" -eq 1 ]
  [[ "$stderr" = "rocks-dist: $URL/repodata/repomd.xml: Failed to connect to 127.0.0.1 port $PORT"* ]]
}

@test "mirror without a directory uses mirror_root/HOST/PATH" {
  build_all
  start_server "$ROOT"
  printf 'root = %s\nmirror_root = %s/mirror\n' "$ROOT" "$T" >"$T/rocks-dist.conf"
  run --separate-stderr rocks-dist mirror "$URL/"
  [ "$status" -eq 0 ]
  [ -f "$T/mirror/127.0.0.1:$PORT/repodata/repomd.xml" ]
  [ -f "$T/mirror/127.0.0.1:$PORT/RedHat/RPMS/tool-2.0-1.noarch.rpm" ]
}

@test "mirror: a URL that is not one" {
  fails_with "rocks-dist: example.org/repo: not a URL (expected scheme://host/path)" rocks-dist mirror example.org/repo
}
