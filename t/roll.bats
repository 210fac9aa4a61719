#!/usr/bin/env bats
# rocks add, list, enable, disable, remove and create roll: a roll made from
# rpmbuild fixtures, read back by xorriso, bsdtar and dnf, added to the
# cluster, merged into the distribution by rocks-dist and walked by kpp;
# then disabled and gone again. SQLite, and MariaDB under t/mariadb.test.

bats_require_minimum_version 1.5.0
load helper

setup_file() {
  export F=$BATS_FILE_TMPDIR/fix
  bash "$ROCKS_SRCDIR/t/data/roll/mkroll" "$F"
  # One image for the tests that only read it.
  (cd "$F" && rocks create roll sci >/dev/null)
  export ISO=$F/sci-1.0-1.x86_64.disk1.iso
}

setup() {
  rocks_setup
  export HOME=$T
  STORE=$T/rolls
  ROOT=$T/dist
  printf 'roll_store = %s\ndist_lock = %s/rocks-dist.lock\ndist_conf = %s/rocks-dist.conf\n' \
    "$STORE" "$T" "$T" >>"$ROCKS_CONF"
  printf 'root = %s\n' "$ROOT" >"$T/rocks-dist.conf"
  # The shipped profile tree, laid out as it is installed.
  mkdir -p "$T/profile/graphs"
  cp -R "$ROCKS_SRCDIR/graphs/default" "$T/profile/graphs/"
  cp -R "$ROCKS_SRCDIR/graphs/nodes" "$T/profile/nodes"
  cp -R "$ROCKS_SRCDIR/graphs/include" "$T/profile/include"
}
teardown() { rocks_teardown; }


# Names, kinds, sizes and contents of everything under the roll store.
store_snapshot() {
  if [ -e "$STORE" ]; then
    (cd "$STORE" && find . -printf '%y %p %s\n' | sort &&
      find . -type f -exec sha256sum {} + | sort)
  else
    echo "no store"
  fi
}

dnf_repo() {
  local repo=$1
  shift
  mkdir -p "$T/dnf/reposd"
  printf '[main]\ngpgcheck=0\nreposdir=%s\ncachedir=%s\nlogdir=%s\npersistdir=%s\n' \
    "$T/dnf/reposd" "$T/dnf/cache" "$T/dnf/log" "$T/dnf/persist" >"$T/dnf/dnf.conf"
  dnf -q -c "$T/dnf/dnf.conf" --installroot="$T/dnf/root" --releasever=9 \
    --setopt=cachedir="$T/dnf/cache" --repofrompath=r,"file://$repo" \
    --repo=r "$@"
}

# What dnf resolves for installing sci-tools from the repository $1.
resolve_sci() {
  rm -rf "$T/dnf/cache"
  dnf_repo "$1" repoquery --resolve --requires --qf '%{name}-%{version}.%{arch}' \
    sci-tools 2>&1
}

compute_nodes() {
  kpp --profile="$ROOT/build" --appliance=compute | grep -o '<node name="[^"]*"[^>]*>'
}

@test "create roll writes NAME-VERSION-RELEASE.ARCH.disk1.iso that xorriso and bsdtar list" {
  cd "$T"
  run --separate-stderr rocks create roll "$F/sci"
  [ "$status" -eq 0 ]
  [ "$stderr" = "" ]
  [ "$output" = "sci-1.0-1.x86_64.disk1.iso" ]
  run bash -c "xorriso -indev '$T/sci-1.0-1.x86_64.disk1.iso' -find / -type f 2>/dev/null |
    sed 's/[0-9a-f]\{64\}-/HASH-/' | sort"
  [ "$output" = "'/RedHat/RPMS/sci-lib-1.0-1.x86_64.rpm'
'/RedHat/RPMS/sci-tools-1.0-1.noarch.rpm'
'/build/graphs/default/sci.xml'
'/build/nodes/sci.xml'
'/repodata/HASH-filelists.xml.gz'
'/repodata/HASH-other.xml.gz'
'/repodata/HASH-primary.xml.gz'
'/repodata/repomd.xml'
'/roll-sci.xml'" ]
  run bash -c "bsdtar -tvf '$T/sci-1.0-1.x86_64.disk1.iso' | awk '/^-/ { print \$NF }' |
    sed 's/[0-9a-f]\{64\}-/HASH-/' | sort"
  [ "$output" = "RedHat/RPMS/sci-lib-1.0-1.x86_64.rpm
RedHat/RPMS/sci-tools-1.0-1.noarch.rpm
build/graphs/default/sci.xml
build/nodes/sci.xml
repodata/HASH-filelists.xml.gz
repodata/HASH-other.xml.gz
repodata/HASH-primary.xml.gz
repodata/repomd.xml
roll-sci.xml" ]
  run bash -c "xorriso -indev '$T/sci-1.0-1.x86_64.disk1.iso' -pvd_info 2>/dev/null | grep '^Volume Id'"
  [ "$output" = "Volume Id    : SCI_1_0" ]
  # The package file itself is what the source directory holds.
  bsdtar -xf "$T/sci-1.0-1.x86_64.disk1.iso" -C "$T" RedHat/RPMS/sci-lib-1.0-1.x86_64.rpm
  cmp "$T/RedHat/RPMS/sci-lib-1.0-1.x86_64.rpm" "$F/sci/RPMS/x86_64/sci-lib-1.0-1.x86_64.rpm"
}

@test "the roll image is a repository dnf resolves from, and its nodes say whose they are" {
  mkdir "$T/x"
  bsdtar -xf "$ISO" -C "$T/x"
  run resolve_sci "$T/x"
  [ "$status" -eq 0 ]
  [ "$output" = "sci-lib-1.0.x86_64" ]
  run cat "$T/x/build/nodes/sci.xml"
  [ "${lines[1]}" = '<kickstart roll="sci">' ]
  # The source is untouched.
  run sed -n 2p "$F/sci/nodes/sci.xml"
  [ "$output" = "<kickstart>" ]
}

@test "the whole cycle: add, enable, dist, resolved and walked; disable, dist, gone" {
  rocks_fixture
  run --separate-stderr rocks add roll "$ISO"
  [ "$status" -eq 0 ]
  [ "$output" = "" ]
  [ "$stderr" = "" ]
  [ -f "$STORE/sci/1.0/x86_64/RedHat/RPMS/sci-tools-1.0-1.noarch.rpm" ]
  [ -f "$STORE/sci/1.0/x86_64/roll-sci.xml" ]
  run rocks list roll
  [ "$output" = "sci	1.0	x86_64	no" ]
  # A disabled roll is not in the distribution.
  run --separate-stderr rocks-dist --profile "$T/profile" dist
  [ "$status" -eq 0 ]
  [ "$output" = "" ]

  run --separate-stderr rocks enable roll sci
  [ "$status" -eq 0 ]
  [ "$output" = "" ]
  run rocks list roll
  [ "$output" = "sci	1.0	x86_64	yes" ]
  run --separate-stderr rocks-dist --profile "$T/profile" dist
  [ "$status" -eq 0 ]
  [ "$stderr" = "" ]
  [ "$output" = "added sci-lib-1.0-1.x86_64
added sci-tools-1.0-1.noarch" ]
  run resolve_sci "$ROOT"
  [ "$output" = "sci-lib-1.0.x86_64" ]
  run compute_nodes
  [[ "$output" == *'<node name="sci" file="nodes/sci.xml" roll="sci"/>'* ]]
  [[ "$output" == *'<node name="client" file="nodes/client.xml" roll="base"/>'* ]]
  run --separate-stderr kpp --profile="$ROOT/build" --dot
  [ "$status" -eq 0 ]
  [[ "$output" == *'"sci" [fillcolor="#b2df8a"];'* ]]
  [[ "$output" == *'"roll base" [label="base", fillcolor="#a6cee3"];'* ]]
  [[ "$output" == *'"roll sci" [label="sci", fillcolor="#b2df8a"];'* ]]

  run --separate-stderr rocks disable roll sci
  [ "$status" -eq 0 ]
  run rocks list roll
  [ "$output" = "sci	1.0	x86_64	no" ]
  run --separate-stderr rocks-dist --profile "$T/profile" dist
  [ "$status" -eq 0 ]
  [ "$output" = "removed sci-lib-1.0-1.x86_64
removed sci-tools-1.0-1.noarch" ]
  run resolve_sci "$ROOT"
  [ "$status" -eq 0 ]
  [ "$output" = "" ]
  run compute_nodes
  [ "$status" -eq 0 ]
  [[ "$output" != *'"sci"'* ]]
  [ ! -e "$ROOT/build/nodes/sci.xml" ]

  run --separate-stderr rocks remove roll sci
  [ "$status" -eq 0 ]
  [ "$output" = "" ]
  run rocks list roll
  [ "$output" = "" ]
  [ ! -e "$STORE/sci" ]
}

@test "rocks-dist --roll reads the image rocks create roll made, with no cluster yet" {
  run --separate-stderr rocks-dist --profile "$T/profile" --roll "$ISO" dist
  [ "$status" -eq 0 ]
  [ "$stderr" = "" ]
  if [ "${ROCKS_TEST_ENGINE:-sqlite}" = sqlite ]; then
    [ ! -e "$T/cluster.db" ]
  fi
  [ "$output" = "added sci-lib-1.0-1.x86_64
added sci-tools-1.0-1.noarch" ]
  run compute_nodes
  [[ "$output" == *'<node name="sci" file="nodes/sci.xml" roll="sci"/>'* ]]
}

@test "add roll records a directory where it is, and remove leaves it there" {
  rocks_fixture
  mkdir "$T/sci"
  bsdtar -xf "$ISO" -C "$T/sci"
  run --separate-stderr rocks add roll "$T/sci"
  [ "$status" -eq 0 ]
  [ ! -e "$STORE" ]
  rocks enable roll sci version=1.0
  run --separate-stderr rocks-dist --profile "$T/profile" dist
  [ "$output" = "added sci-lib-1.0-1.x86_64
added sci-tools-1.0-1.noarch" ]
  [ "$(readlink "$ROOT/RedHat/RPMS/sci-lib-1.0-1.x86_64.rpm")" = \
    "$T/sci/RedHat/RPMS/sci-lib-1.0-1.x86_64.rpm" ]
  rocks disable roll sci
  rocks remove roll sci version=1.0
  [ -f "$T/sci/roll-sci.xml" ]
  run rocks list roll
  [ "$output" = "" ]
}

@test "add roll: a directory whose path the database cannot hold changes nothing" {
  rocks_fixture
  long=$T
  while [ "${#long}" -le 1024 ]; do long=$long/$(printf 'd%.0s' $(seq 100)); done
  mkdir -p "$long/sci"
  bsdtar -xf "$ISO" -C "$long/sci"
  before=$(db_dump)
  fails_with "rocks: ${long:0:32}...: path too long (at most 1024 characters)" \
    rocks add roll "$long/sci"
  [ "$(db_dump)" = "$before" ]
  [ "$(store_snapshot)" = "no store" ]
}

@test "list roll takes --format=table and --format=json" {
  rocks_fixture
  rocks add roll "$ISO"
  run --separate-stderr rocks list roll --format=table
  [ "$status" -eq 0 ]
  [ "$output" = "NAME VERSION ARCH   ENABLED
sci  1.0     x86_64 no" ]
  run --separate-stderr rocks list roll --format=json
  [ "$output" = '{
   "rolls": [
      {
         "name": "sci",
         "version": "1.0",
         "arch": "x86_64",
         "enabled": "no"
      }
   ]
}' ]
}

@test "the hpc roll that make builds adds, enables and joins the compute and login graphs" {
  rocks_fixture
  run --separate-stderr rocks add roll "$ROCKS_BUILDDIR/hpc-9.0-1.x86_64.disk1.iso"
  [ "$status" -eq 0 ]
  rocks enable roll hpc
  run rocks list roll
  [ "$output" = "hpc	9.0	x86_64	yes" ]
  run --separate-stderr rocks-dist --profile "$T/profile" dist
  [ "$status" -eq 0 ]
  [ "$output" = "" ]
  run compute_nodes
  [[ "$output" == *'<node name="hpc" file="nodes/hpc.xml" roll="hpc"/>'* ]]
  run kpp --profile="$ROOT/build" --appliance=login
  [[ "$output" == *'<package node="hpc" file="nodes/hpc.xml">hwloc</package>'* ]]
  run kpp --profile="$ROOT/build" --appliance=nas
  [[ "$output" != *'hwloc'* ]]
}

# ---- bad input: one line, exit 1, the database and the store unchanged ----

@test "add roll: an image that is not a roll" {
  rocks_fixture
  xorriso -as mkisofs -quiet -R -o "$T/plain.iso" "$F/plain" 2>/dev/null
  before=$(db_dump)
  fails_with "rocks: $T/plain.iso: not a roll (no roll-NAME.xml at its top)" rocks \
    add roll "$T/plain.iso"
  [ "$(db_dump)" = "$before" ]
  [ "$(store_snapshot)" = "no store" ]
}

@test "add roll: a truncated image" {
  rocks_fixture
  rocks add roll "$ISO"
  size=$(stat -c %s "$ISO")
  head -c $((size / 2)) "$ISO" >"$T/cut.iso"
  before=$(db_dump)
  store=$(store_snapshot)
  fails_with "rocks: $T/cut.iso: truncated image ($((size / 2)) bytes of the $size its volume descriptor gives)" rocks \
    add roll "$T/cut.iso"
  # rocks-dist reads roll images the same way.
  run --separate-stderr rocks-dist --profile "$T/profile" --roll "$T/cut.iso" dist
  [ "$status" -eq 1 ]
  [ "$stderr" = "rocks-dist: $T/cut.iso: truncated image ($((size / 2)) bytes of the $size its volume descriptor gives)" ]
  [ ! -e "$ROOT" ]
  [ "$(db_dump)" = "$before" ]
  [ "$(store_snapshot)" = "$store" ]
}

@test "add roll: the same name and version twice" {
  rocks_fixture
  rocks add roll "$ISO"
  before=$(db_dump)
  store=$(store_snapshot)
  fails_with "rocks: $ISO: roll sci 1.0 is already added (remove it first)" rocks \
    add roll "$ISO"
  [ "$(db_dump)" = "$before" ]
  [ "$(store_snapshot)" = "$store" ]
  ls -A "$STORE" >"$T/ls"
  [ "$(cat "$T/ls")" = "sci" ]
}

@test "remove roll: an enabled roll is refused" {
  rocks_fixture
  rocks add roll "$ISO"
  rocks enable roll sci
  before=$(db_dump)
  store=$(store_snapshot)
  fails_with "rocks: sci 1.0: roll is enabled (disable it first)" rocks remove roll sci
  [ "$(db_dump)" = "$before" ]
  [ "$(store_snapshot)" = "$store" ]
}

@test "create roll: a graph leading to a node file the roll does not ship" {
  cd "$T"
  fails_with "rocks: $F/broken/graphs/default/sci.xml:4: edge to sci-extra: the roll ships no node file nodes/sci-extra.xml" rocks \
    create roll "$F/broken"
  [ ! -e "$T/sci-1.0-1.x86_64.disk1.iso" ]
  run ls -A "$T"
  [[ "$output" != *stage* ]]
}

@test "add roll: an image or directory whose graph leads to a node file it does not ship" {
  rocks_fixture
  mkdir "$T/bad"
  bsdtar -xf "$ISO" -C "$T/bad"
  cp "$F/broken/graphs/default/sci.xml" "$T/bad/build/graphs/default/sci.xml"
  xorriso -as mkisofs -quiet -R -o "$T/bad.iso" "$T/bad" 2>/dev/null
  before=$(db_dump)
  fails_with "rocks: $T/bad.iso!build/graphs/default/sci.xml:4: edge to sci-extra: the roll ships no node file nodes/sci-extra.xml" rocks \
    add roll "$T/bad.iso"
  fails_with "rocks: $T/bad/build/graphs/default/sci.xml:4: edge to sci-extra: the roll ships no node file nodes/sci-extra.xml" rocks \
    add roll "$T/bad"
  [ "$(db_dump)" = "$before" ]
  [ "$(store_snapshot)" = "no store" ]
}

@test "add roll: a path that does not exist" {
  rocks_fixture
  before=$(db_dump)
  fails_with "rocks: $T/none.iso: No such file or directory" rocks add roll "$T/none.iso"
  [ "$(db_dump)" = "$before" ]
}

@test "create roll: a directory with no roll description" {
  cd "$T"
  fails_with "rocks: $F/plain: not a roll (no roll-NAME.xml at its top)" rocks \
    create roll "$F/plain"
}

@test "create roll: a missing directory, and missing or extra arguments" {
  fails_with "rocks: $T/none: No such file or directory" rocks create roll "$T/none"
  fails_with "rocks: create roll: missing argument" rocks create roll
  fails_with "rocks: create roll: unexpected argument 'b'" rocks create roll a b
}

@test "enable, disable and remove roll: unknown rolls and versions" {
  rocks_fixture
  rocks add roll "$ISO"
  before=$(db_dump)
  fails_with "rocks: sco: unknown roll (did you mean 'sci'?)" rocks enable roll sco
  fails_with "rocks: sci 2.0: unknown roll" rocks disable roll sci version=2.0
  fails_with "rocks: hpc: unknown roll" rocks remove roll hpc
  fails_with "rocks: enable roll: vers: unknown key (expected version)" rocks \
    enable roll sci vers=1.0
  fails_with "rocks: remove roll: missing argument" rocks remove roll
  [ "$(db_dump)" = "$before" ]
}

@test "list roll takes no arguments" {
  rocks_fixture
  fails_with "rocks: list roll: unexpected argument 'sci'" rocks list roll sci
}

@test "kpp --host walks the enabled roll's graph through the distribution's build/" {
  rocks_fixture
  rocks add roll "$ISO"
  rocks enable roll sci
  rocks-dist --profile "$T/profile" dist >/dev/null
  printf 'profile = %s/build\n' "$ROOT" >>"$ROCKS_CONF"
  run --separate-stderr kpp --host=compute-0-0
  [ "$status" -eq 0 ] || { echo "$stderr"; false; }
  [[ "$output" == *'<package node="sci" file="nodes/sci.xml">sci-tools</package>'* ]]
  run --separate-stderr kpp --host=nas-0-0
  [ "$status" -eq 0 ]
  [[ "$output" != *'sci-tools'* ]]
}

@test "a version 1 database gets its rolls table on first use" {
  sqlite_only
  # The previous release's database without what version 2 added.
  sqlite3 "$T/cluster.db" <"$ROCKS_SRCDIR/t/data/schema/v2.sql"
  sqlite3 "$T/cluster.db" 'DROP TABLE rolls; UPDATE schema_info SET version = 1'
  run --separate-stderr rocks list roll
  [ "$status" -eq 0 ]
  [ "$output" = "" ]
  [ "$stderr" = "" ]
  [ "$(sqlite3 "$T/cluster.db" 'SELECT version FROM schema_info')" = 4 ]
  rocks add roll "$ISO"
  run rocks list roll
  [ "$output" = "sci	1.0	x86_64	no" ]
}
