#!/usr/bin/env bats
# avalanche-peer: installing nodes sharing packages. Every test starts its
# own frontend (lighttpd serving a distribution rocks-dist built from
# generated packages, at a bounded rate, its bytes counted from its access
# log) and opentracker on 127.0.0.1; each node is a peer on its own
# 127.0.0.x address with an installer fetching every package through it
# (t/data/avalanche/node, or dnf itself).

load helper
bats_require_minimum_version 1.5.0

# Packages and their size in KiB: the set is 4 MiB, two seconds of the
# frontend's 2 MiB/s.
COUNT=8
KIB=512

setup_file() {
  export FIX=$BATS_FILE_TMPDIR/fix
  bash "$ROCKS_SRCDIR/t/data/avalanche/mkdist" "$FIX" "$COUNT" "$KIB"
  # The bundle, made once (a minute of xz) for the tests that run it.
  avalanche-peer --bundle="$FIX/avalanche-peer.tar.xz"
}

setup() {
  rocks_setup
  PIDS=()
  PEERS=()
  mkdir -p "$T/www" "$T/tracker"
  cp -a "$FIX/dist/." "$T/www/"
  FRONTEND_PORT=
  TRACKER_PORT=$(free_port tcp)
  PEER_PORT=$(free_port tcp)
  TRACKER=http://127.0.0.1:$TRACKER_PORT/announce
  # The packages as the repodata lists them: "SHA256  LOCATION".
  zcat "$T"/www/repodata/*-primary.xml.gz | sed -n \
    -e 's/.*<checksum type="sha256" pkgid="YES">\([0-9a-f]*\)<.*/\1/p' \
    -e 's/.*<location href="\([^"]*\)".*/\1/p' | paste -d' ' - - |
    sed 's/ /  /' >"$T/packages"
}

teardown() {
  local p
  for p in "${PEERS[@]}" "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PEERS[@]}" "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  rocks_teardown
}


# start_frontend [KIB/S]: lighttpd serving $T/www on 127.0.0.1 at 2 MiB/s
# (or KIB/S), logging "CLIENT STATUS BYTES PATH" per request; sets
# FRONTEND.
start_frontend() {
  start_lighttpd 'server.modules += ( "mod_accesslog" )' \
    "accesslog.filename = \"$T/access.log\"" 'accesslog.format = "%h %s %b %U"' \
    "server.kbytes-per-second = ${1:-2048}" || return 1
  FRONTEND_PORT=$HTTP_PORT
  FRONTEND_PID=$LIGHTTPD_PID
  FRONTEND=http://127.0.0.1:$FRONTEND_PORT/
}

# opentracker on 127.0.0.1, chrooted into $T/tracker, knowing the
# distribution's packages from its whitelist.
start_tracker() {
  avalanche-peer --hashes --frontend="file://$T/www" | cut -f1 >"$T/tracker/whitelist"
  chmod 755 "$T/tracker"
  chmod 644 "$T/tracker/whitelist"
  opentracker -i 127.0.0.1 -p "$TRACKER_PORT" -P "$TRACKER_PORT" -d "$T/tracker" \
    -w whitelist >"$T/tracker.log" 2>&1 &
  PIDS+=($!)
  wait_listen tcp "$TRACKER_PORT" "$!" 127.0.0.1
}

# Node I's address.
addr() { echo "127.0.0.$((100 + $1))"; }

# start_peer I [options]: the peer of node I, on its own address; waits
# until it serves. Its stderr goes to $T/peer-I.err.
start_peer() {
  local i=$1 a
  shift
  a=$(addr "$i")
  avalanche-peer --frontend="$FRONTEND" --tracker="$TRACKER" --listen="$a" \
    --port="$PEER_PORT" --cache="$T/cache-$i" --pidfile="$T/peer-$i.pid" \
    --timeout=60 "$@" 2>"$T/peer-$i.err" &
  PEERS[i]=$!
  local n
  for n in $(seq 400); do
    [ -s "$T/peer-$i.pid" ] && return 0
    kill -0 "${PEERS[i]}" 2>/dev/null || break
    sleep 0.05
  done
  echo "peer $i did not start: $(cat "$T/peer-$i.err")" >&2
  return 1
}

# install I: node I's installer fetching every package through its peer,
# in the background; its output and status land in $T/node-I.out/.status.
install() {
  local i=$1
  # (Bats runs tests under set -e: a failing installer must not end the
  # subshell before its status is written.)
  (rc=0
   "$ROCKS_SRCDIR/t/data/avalanche/node" "http://$(addr "$i"):$PEER_PORT" \
     "$T/node-$i" >"$T/node-$i.out" 2>&1 || rc=$?
   echo "$rc" >"$T/node-$i.status") &
  PIDS+=($!)
}

# Waits up to 120 s for node I's installer to end.
wait_install() {
  local n
  for n in $(seq 1200); do
    [ -s "$T/node-$1.status" ] && return 0
    sleep 0.1
  done
  echo "node $1 did not finish" >&2
  return 1
}

# stop_peer I: SIGTERM, and the exit status in STOP_STATUS.
stop_peer() {
  kill "${PEERS[$1]}"
  STOP_STATUS=0
  wait "${PEERS[$1]}" || STOP_STATUS=$?
  unset "PEERS[$1]"
}

# Stops the frontend, which writes out the rest of its access log.
stop_frontend() {
  kill "$FRONTEND_PID"
  wait "$FRONTEND_PID" 2>/dev/null || true
}

# How many times the frontend sent each package, as "COUNT LOCATION"
# lines, one per package.
frontend_counts() { frontend_counts_under ""; }

# frontend_counts_under PREFIX: frontend_counts for a distribution
# served under /PREFIX.
frontend_counts_under() {
  local sum href
  while read -r sum href; do
    printf '%s %s\n' "$(awk -v p="/$1$href" '$4 == p && $2 == 200' "$T/access.log" | wc -l)" "$href"
  done <"$T/packages"
}

# all_counts N: the frontend_counts lines when each package went N times.
all_counts() {
  local sum href
  while read -r sum href; do printf '%s %s\n' "$1" "$href"; done <"$T/packages"
}

# The bytes the frontend sent for packages.
frontend_bytes() {
  awk '$4 ~ /\.rpm$/ { s += $3 } END { print s + 0 }' "$T/access.log"
}

# first_node_spoiled replace|grow: node 1 installs alone, then its copies
# go bad on its disk, while its peer goes on serving them: random bytes of
# the same size, or that many random bytes more.
first_node_spoiled() {
  start_frontend
  start_tracker
  start_peer 1
  install 1
  wait_install 1
  local f
  for f in "$T"/cache-1/RedHat/RPMS/*.rpm; do
    if [ "$1" = grow ]; then
      head -c "$(stat -c %s "$f")" /dev/urandom >>"$f"
    else
      head -c "$(stat -c %s "$f")" /dev/urandom >"$f"
    fi
  done
}

# Sixteen nodes installing at once, starts 0.2 s apart.
install_all() {
  local i
  for i in $(seq 1 16); do
    start_peer "$i"
    install "$i"
    sleep 0.2
  done
}

@test "--hashes prints each package's info hash and location, the tracker's whitelist" {
  run --separate-stderr avalanche-peer --hashes --frontend="file://$T/www"
  [ "$status" -eq 0 ]
  [ "$stderr" = "" ]
  [ "$output" = "$(awk '{ printf "%s\t%s\n", substr($1, 1, 40), $2 }' "$T/packages")" ]
  [ "${#lines[@]}" -eq "$COUNT" ]
}

@test "--bundle: the peer runs from its bundle in a root with no library but the bundle's" {
  [ "$(id -u)" = 0 ] || skip "needs root (chroot)"
  cp "$FIX/avalanche-peer.tar.xz" "$T/avalanche-peer.tar.xz"
  # The installer's root: busybox (static) and the unpacked bundle, nothing else.
  mkdir -p "$T/root/bin" "$T/root/tmp"
  cp /bin/busybox "$T/root/bin/busybox"
  chroot "$T/root" /bin/busybox --install -s /bin
  tar -xJf "$T/avalanche-peer.tar.xz" -C "$T/root/tmp"
  [ "$(cd "$T/root" && find . -name 'lib*.so*' ! -path './tmp/avalanche-peer/lib/*')" = "" ]
  [ -x "$T/root/tmp/avalanche-peer/run" ]
  [ -f "$T/root/tmp/avalanche-peer/lib/libc.so.6" ]
  run chroot "$T/root" /bin/sh /tmp/avalanche-peer/run --version
  [ "$status" -eq 0 ]
  [ "$output" = "avalanche-peer (rocks) $(avalanche-peer --version | sed 's/.* //')" ]
  start_frontend
  chroot "$T/root" /bin/sh /tmp/avalanche-peer/run --frontend="$FRONTEND" \
    --listen="$(addr 1)" --port="$PEER_PORT" --cache=/tmp/cache \
    --pidfile=/tmp/peer.pid 2>"$T/peer-1.err" &
  PEERS[1]=$!
  local n
  for n in $(seq 400); do
    [ -s "$T/root/tmp/peer.pid" ] && break
    sleep 0.05
  done
  [ -s "$T/root/tmp/peer.pid" ]
  install 1
  wait_install 1
  [ "$(cat "$T/node-1.status")" = 0 ]
  [ "$(cat "$T/node-1.out")" = "$COUNT packages, $COUNT verified" ]
  stop_peer 1
  [ "$STOP_STATUS" -eq 0 ]
  [ "$(cat "$T/peer-1.err")" = "" ]
  [ "$(find "$T/root/tmp/cache" -name '*.rpm' | wc -l)" -eq "$COUNT" ]
}

# section KS KIND: the body of KS's KIND section (%pre, %post) that
# starts or stops the peer.
section() {
  awk -v kind="$2" '$1 == kind { body = ""; inside = 1; next }
    $1 == "%end" { if (inside && body ~ /avalanche-peer/) printf "%s", body; inside = 0; next }
    inside { body = body $0 "\n" }' <<<"$1"
}

@test "the shipped %pre fetches the bundle from the frontend and starts the peer; %post stops it" {
  [ "$(id -u)" = 0 ] || skip "needs root (mount namespace)"
  # The frontend: the bundle and the distribution where the graph says.
  mkdir -p "$T/www/install/sbin" "$T/www/install/rocks-dist" "$T/root-tmp"
  cp "$FIX/avalanche-peer.tar.xz" "$T/www/install/sbin/"
  cp -a "$FIX/dist/." "$T/www/install/rocks-dist/"
  start_frontend
  local ks host=127.0.0.1:$FRONTEND_PORT
  ks=$(kpp --profile="$ROCKS_SRCDIR/graphs" --appliance=compute --attr=Kickstart_P2P=yes \
    --attr=Kickstart_PrivateKickstartHost="$host" --attr=Kickstart_P2PPort="$PEER_PORT" | kgen)
  section "$ks" %pre >"$T/root-tmp/pre.sh"
  section "$ks" %post >"$T/root-tmp/post.sh"
  grep -q 'avalanche-peer/run' "$T/root-tmp/pre.sh"
  grep -q 'kill' "$T/root-tmp/post.sh"
  # The installer's /tmp, private to the scripts and the peer they start.
  run --separate-stderr unshare -m bash -c 'mount --bind "$1" /tmp && exec bash "$2"' \
    - "$T/root-tmp" /tmp/pre.sh
  [ "$status" -eq 0 ]
  [ "$stderr" = "" ]
  [ -s "$T/root-tmp/avalanche-peer.pid" ]
  local pid
  pid=$(cat "$T/root-tmp/avalanche-peer.pid")
  PEERS[1]=$pid
  kill -0 "$pid"
  run "$ROCKS_SRCDIR/t/data/avalanche/node" "http://127.0.0.1:$PEER_PORT/" "$T/node-1"
  [ "$status" -eq 0 ]
  [ "$output" = "$COUNT packages, $COUNT verified" ]
  [ "$(find "$T/root-tmp/avalanche" -name '*.rpm' | wc -l)" -eq "$COUNT" ]
  # %post --nochroot logs into the installed system, /mnt/sysroot.
  run --separate-stderr unshare -m bash -c 'mount --bind "$1" /tmp &&
    mount -t tmpfs tmpfs /mnt && mkdir -p /mnt/sysroot/var/log && exec bash "$2"' \
    - "$T/root-tmp" /tmp/post.sh
  [ "$status" -eq 0 ]
  [ "$stderr" = "" ]
  local n
  for n in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  ! kill -0 "$pid" 2>/dev/null
  # The tracker is named by the frontend's host and the tracker's port,
  # which this host:port cannot be: the peer says so once and goes on.
  [ "$(cat "$T/root-tmp/avalanche-peer.log")" = "avalanche-peer: tracker http://$host:6969/announce: URL using bad/illegal format or missing URL; packages come from the frontend" ]
  stop_frontend
  [ "$(frontend_counts_under install/rocks-dist/)" = "$(all_counts 1)" ]
  [ "$(grep -c ' /install/sbin/avalanche-peer.tar.xz$' "$T/access.log")" -eq 1 ]
}

@test "--bundle makes the directories it is written in" {
  run --separate-stderr avalanche-peer --bundle="$T/install/sbin/avalanche-peer.tar.xz"
  [ "$status" -eq 0 ]
  [ "$output" = "" ]
  [ "$stderr" = "" ]
  [ "$(tar -tJf "$T/install/sbin/avalanche-peer.tar.xz" | grep -v "/lib/." | sort)" = "avalanche-peer/
avalanche-peer/bin/
avalanche-peer/bin/avalanche-peer
avalanche-peer/lib/
avalanche-peer/run" ]
  [ "$(ls -A "$T/install/sbin")" = "avalanche-peer.tar.xz" ]
}

@test "--bundle under a file: one line, exit 1, the file as it was" {
  echo keep >"$T/file"
  fails_with "avalanche-peer: $T/file: Not a directory" \
    avalanche-peer --bundle="$T/file/ap.tar.xz"
  [ "$(cat "$T/file")" = keep ]
}

@test "--bundle naming a directory: one line, exit 1, the directory as it was" {
  mkdir "$T/d"
  fails_with "avalanche-peer: --bundle=$T/d/: not a file name" avalanche-peer --bundle="$T/d/"
  [ "$(ls -A "$T/d")" = "" ]
}

@test "sixteen nodes install at once: every package right, the frontend sends each once" {
  start_frontend
  start_tracker
  install_all
  local i
  for i in $(seq 1 16); do
    wait_install "$i"
    [ "$(cat "$T/node-$i.status")" = 0 ]
    [ "$(cat "$T/node-$i.out")" = "$COUNT packages, $COUNT verified" ]
  done
  for i in $(seq 1 16); do
    stop_peer "$i"
    [ "$STOP_STATUS" -eq 0 ]
    [ "$(cat "$T/peer-$i.err")" = "" ]
    [ ! -e "$T/peer-$i.pid" ]
  done
  stop_frontend
  [ "$(frontend_counts)" = "$(all_counts 1)" ]
  [ "$(frontend_bytes)" -eq "$(cat "$T"/www/RedHat/RPMS/*.rpm | wc -c)" ]
}

@test "-v says where each package came from and sums up at exit" {
  start_frontend
  start_tracker
  start_peer 1 -v
  install 1
  wait_install 1
  start_peer 2 -v
  install 2
  wait_install 2
  [ "$(cat "$T/node-2.out")" = "$COUNT packages, $COUNT verified" ]
  stop_peer 2
  [ "$STOP_STATUS" -eq 0 ]
  stop_peer 1
  [ "$STOP_STATUS" -eq 0 ]
  local expect1 expect2 href
  expect1=$(cut -c67- "$T/packages" | sort | sed 's/^/avalanche-peer: /; s/$/: from the frontend/')
  expect2=$(cut -c67- "$T/packages" | sort |
    sed "s/^/avalanche-peer: /; s/\$/: from $(addr 1):$PEER_PORT/")
  [ "$(sed '$d' "$T/peer-1.err" | sort)" = "$expect1" ]
  [ "$(tail -n 1 "$T/peer-1.err")" = "avalanche-peer: $COUNT packages: 0 from peers, $COUNT from the frontend; $COUNT sent to peers; 0 peers dropped" ]
  [ "$(sed '$d' "$T/peer-2.err" | sort)" = "$expect2" ]
  [ "$(tail -n 1 "$T/peer-2.err")" = "avalanche-peer: $COUNT packages: $COUNT from peers, 0 from the frontend; 0 sent to peers; 0 peers dropped" ]
  stop_frontend
  [ "$(frontend_counts)" = "$(all_counts 1)" ]
}

@test "dnf installs from its peer's mirror URL what the other nodes shared" {
  start_frontend
  start_tracker
  start_peer 1
  install 1
  wait_install 1
  start_peer 2 -v
  mkdir -p "$T/dnf/reposd"
  printf '[main]\ngpgcheck=0\nreposdir=%s\n' "$T/dnf/reposd" >"$T/dnf/dnf.conf"
  run --separate-stderr env HOME="$T" dnf -q -c "$T/dnf/dnf.conf" \
    --installroot="$T/dnf/root" --releasever=9 --setopt=cachedir="$T/dnf/cache" \
    --repofrompath=avalanche,"http://$(addr 2):$PEER_PORT/" --repo=avalanche \
    install -y --downloadonly --destdir="$T/dnf/got" $(seq -f 'avpkg%04g' 1 "$COUNT")
  [ "$status" -eq 0 ]
  [ "$(cd "$T/dnf/got" && ls)" = "$(cut -c67- "$T/packages" | sed 's|.*/||' | sort)" ]
  [ "$(cd "$T/dnf/got" && sha256sum *.rpm)" = "$(sed 's|  .*/|  |' "$T/packages" | sort -k2)" ]
  stop_peer 2
  [ "$(grep -c ": from $(addr 1):$PEER_PORT\$" "$T/peer-2.err")" -eq "$COUNT" ]
  stop_frontend
  [ "$(frontend_counts)" = "$(all_counts 1)" ]
}

@test "a peer serving corrupted bytes is dropped, and every node still gets the right bytes" {
  first_node_spoiled replace
  local i
  for i in $(seq 2 16); do
    start_peer "$i"
    install "$i"
    sleep 0.2
  done
  for i in $(seq 2 16); do
    wait_install "$i"
    [ "$(cat "$T/node-$i.status")" = 0 ]
    [ "$(cat "$T/node-$i.out")" = "$COUNT packages, $COUNT verified" ]
  done
  # Node 2 had node 1 alone to ask; every peer says it at most once.
  local bad="^avalanche-peer: peer $(addr 1):$PEER_PORT: RedHat/RPMS/avpkg000[1-8]-1\.0-1\.noarch\.rpm: checksum mismatch, peer dropped\$"
  [ "$(wc -l <"$T/peer-2.err")" -eq 1 ]
  grep -q "$bad" "$T/peer-2.err"
  for i in $(seq 2 16); do
    [ "$(wc -l <"$T/peer-$i.err")" -le 1 ]
    [ "$(grep -vc "$bad" "$T/peer-$i.err")" -eq 0 ]
  done
}

@test "a peer sending more than the package's size is cut off and dropped" {
  first_node_spoiled grow
  start_peer 2
  install 2
  wait_install 2
  [ "$(cat "$T/node-2.status")" = 0 ]
  [ "$(cat "$T/node-2.out")" = "$COUNT packages, $COUNT verified" ]
  [ "$(wc -l <"$T/peer-2.err")" -eq 1 ]
  grep -q "^avalanche-peer: peer $(addr 1):$PEER_PORT: RedHat/RPMS/avpkg000[1-8]-1\.0-1\.noarch\.rpm: Maximum file size exceeded, peer dropped\$" "$T/peer-2.err"
}

@test "a peer killed mid-transfer: the other nodes finish" {
  # A slower frontend: node 1 takes sixteen seconds for its packages, so
  # that it is still fetching when its peer dies even on a loaded machine
  # (at eight, starting three more peers there took longer than that).
  start_frontend 256
  start_tracker
  start_peer 1
  install 1
  local i
  for i in $(seq 2 16); do
    start_peer "$i"
    install "$i"
    if [ "$i" = 4 ]; then
      # Node 1 is still fetching from the frontend, nodes 2-4 wait on it.
      [ ! -s "$T/node-1.status" ]
      kill -KILL "${PEERS[1]}"
      wait "${PEERS[1]}" 2>/dev/null || true
      unset "PEERS[1]"
    fi
  done
  wait_install 1
  [ "$(cat "$T/node-1.status")" = 1 ]
  local dropped="^avalanche-peer: peer $(addr 1):$PEER_PORT: RedHat/RPMS/avpkg000[1-8]-1\.0-1\.noarch\.rpm: .*, peer dropped\$"
  for i in $(seq 2 16); do
    wait_install "$i"
    [ "$(cat "$T/node-$i.status")" = 0 ]
    [ "$(cat "$T/node-$i.out")" = "$COUNT packages, $COUNT verified" ]
    [ "$(grep -vc "$dropped" "$T/peer-$i.err")" -eq 0 ]
  done
  # Those that came after knew it was gone only by trying it: each says so
  # once at most.
  for i in $(seq 2 16); do [ "$(wc -l <"$T/peer-$i.err")" -le 1 ]; done
}

@test "the tracker down: every node falls back to the frontend" {
  start_frontend
  install_all
  local i
  for i in $(seq 1 16); do
    wait_install "$i"
    [ "$(cat "$T/node-$i.status")" = 0 ]
    [ "$(cat "$T/node-$i.out")" = "$COUNT packages, $COUNT verified" ]
  done
  for i in $(seq 1 16); do
    stop_peer "$i"
    [ "$STOP_STATUS" -eq 0 ]
    [ "$(cat "$T/peer-$i.err")" = "avalanche-peer: tracker $TRACKER: Couldn't connect to server; packages come from the frontend" ]
  done
  stop_frontend
  [ "$(frontend_counts)" = "$(all_counts 16)" ]
}

@test "with no tracker every package comes from the frontend, silently" {
  start_frontend
  start_peer 1 --tracker=
  run "$ROCKS_SRCDIR/t/data/avalanche/node" "http://$(addr 1):$PEER_PORT" "$T/node"
  [ "$status" -eq 0 ]
  [ "$output" = "$COUNT packages, $COUNT verified" ]
  stop_peer 1
  [ "$STOP_STATUS" -eq 0 ]
  [ "$(cat "$T/peer-1.err")" = "" ]
  stop_frontend
  [ "$(frontend_counts)" = "$(all_counts 1)" ]
}

@test "the mirror serves the distribution's other files, 404 for what it lacks, GET only" {
  start_frontend
  printf 'comps\n' >"$T/www/comps.xml"
  start_peer 1
  local url=http://$(addr 1):$PEER_PORT
  run curl -sS "$url/comps.xml"
  [ "$status" -eq 0 ]
  [ "$output" = "comps" ]
  # Kept once fetched: the frontend's copy going does not change it.
  rm "$T/www/comps.xml"
  run curl -sS "$url/comps.xml"
  [ "$output" = "comps" ]
  run curl -s -o /dev/null -w '%{http_code}' "$url/no/such/file"
  [ "$output" = 404 ]
  run curl -s -o /dev/null -w '%{http_code}' "$url/avalanche/0123"
  [ "$output" = 404 ]
  run curl -s -o /dev/null -w '%{http_code}' -X POST "$url/comps.xml"
  [ "$output" = 405 ]
  run curl -s "$url/repodata/repomd.xml"
  [ "$output" = "$(cat "$T/www/repodata/repomd.xml")" ]
  stop_frontend
  [ "$(grep -c ' /comps.xml$' "$T/access.log")" -eq 1 ]
}

@test "the mirror answers only 127.0.0.1: another host cannot make this node fetch" {
  start_frontend
  start_peer 1
  local href
  href=$(sed -n 1p "$T/packages" | cut -c67-)
  run curl -sS --interface 127.0.0.99 -w ' %{http_code}' "http://$(addr 1):$PEER_PORT/$href"
  [ "$output" = "the mirror serves only 127.0.0.1
 403" ]
  run curl -sS --interface 127.0.0.99 -w ' %{http_code}' "http://$(addr 1):$PEER_PORT/comps.xml"
  [ "$output" = "the mirror serves only 127.0.0.1
 403" ]
  stop_frontend
  [ "$(awk '$4 ~ /\.rpm$/ || $4 == "/comps.xml"' "$T/access.log")" = "" ]
  [ ! -e "$T/cache-1/$href" ]
}

@test "a download not yet checked (.part) is never served" {
  start_frontend
  start_peer 1
  local href
  href=$(sed -n 1p "$T/packages" | cut -c67-)
  mkdir -p "$(dirname "$T/cache-1/$href")"
  printf 'half\n' >"$T/cache-1/$href.part"
  run curl -s -w ' %{http_code}' "http://$(addr 1):$PEER_PORT/$href.part"
  [ "$output" = "not found
 404" ]
  stop_frontend
  [ "$(grep -c '\.part$' "$T/access.log")" -eq 0 ]
}

@test "a package the frontend serves wrong is refused to the installer" {
  start_frontend
  local href
  href=$(sed -n 1p "$T/packages" | cut -c67-)
  rm "$T/www/$href"
  printf 'not the package\n' >"$T/www/$href"
  start_peer 1
  run curl -s -o /dev/null -w '%{http_code}' "http://$(addr 1):$PEER_PORT/$href"
  [ "$output" = 502 ]
  stop_peer 1
  [ "$(cat "$T/peer-1.err")" = "avalanche-peer: tracker $TRACKER: Couldn't connect to server; packages come from the frontend
avalanche-peer: ${FRONTEND}$href: size mismatch (expected $(stat -L -c %s "$FIX/dist/$href") bytes, got 16)" ]
  [ ! -e "$T/cache-1/$href" ]
}

@test "a copy left in the cache is used again only if it checks out" {
  start_frontend
  start_peer 1
  install 1
  wait_install 1
  stop_peer 1
  local first second
  first=$(sed -n 1p "$T/packages" | cut -c67-)
  second=$(sed -n 2p "$T/packages" | cut -c67-)
  printf 'bad\n' >"$T/cache-1/$first"
  stop_frontend
  rm "$T/access.log"
  start_frontend
  start_peer 1
  run curl -sS -o "$T/got" "http://$(addr 1):$PEER_PORT/$first"
  run curl -sS -o "$T/got2" "http://$(addr 1):$PEER_PORT/$second"
  [ "$(sha256sum <"$T/got" | cut -d' ' -f1)" = "$(sed -n 1p "$T/packages" | cut -c1-64)" ]
  [ "$(sha256sum <"$T/got2" | cut -d' ' -f1)" = "$(sed -n 2p "$T/packages" | cut -c1-64)" ]
  stop_frontend
  [ "$(awk '$4 ~ /\.rpm$/' "$T/access.log" | wc -l)" -eq 1 ]
  grep -q " /$first\$" "$T/access.log"
}

@test "a frontend that cannot be reached: one line, exit 1, no pidfile" {
  fails_with "avalanche-peer: http://127.0.0.1:$TRACKER_PORT/repodata/repomd.xml: Couldn't connect to server" avalanche-peer --frontend="http://127.0.0.1:$TRACKER_PORT/" \
    --listen=127.0.0.1 --port="$PEER_PORT" --cache="$T/cache" --pidfile="$T/peer.pid"
  [ ! -e "$T/peer.pid" ]
}

@test "a frontend without repodata: one line naming the URL, exit 1" {
  start_frontend
  rm -r "$T/www/repodata"
  run --separate-stderr avalanche-peer --frontend="$FRONTEND" --listen=127.0.0.1 \
    --port="$PEER_PORT" --cache="$T/cache"
  [ "$status" -eq 1 ]
  [ "$stderr" = "avalanche-peer: ${FRONTEND}repodata/repomd.xml: HTTP 404" ]
  fails_with "avalanche-peer: ${FRONTEND}repodata/repomd.xml: HTTP 404" avalanche-peer --hashes --frontend="$FRONTEND"
}

@test "repodata whose checksums do not match: one line, exit 1" {
  start_frontend
  local primary
  primary=$(cd "$T/www" && ls repodata/*-primary.xml.gz)
  printf 'garbage' >>"$T/www/$primary"
  run --separate-stderr avalanche-peer --frontend="$FRONTEND" --listen=127.0.0.1 \
    --port="$PEER_PORT" --cache="$T/cache"
  [ "$status" -eq 1 ]
  [ "$stderr" = "avalanche-peer: ${FRONTEND}$primary: size mismatch (expected $(( $(stat -c %s "$T/www/$primary") - 7 )) bytes, got $(stat -c %s "$T/www/$primary"))" ]
}

@test "an address already in use: one line, exit 1" {
  start_frontend
  run --separate-stderr avalanche-peer --frontend="$FRONTEND" --listen=127.0.0.1 \
    --port="$FRONTEND_PORT" --cache="$T/cache" --pidfile="$T/peer.pid"
  [ "$status" -eq 1 ]
  [ "$stderr" = "avalanche-peer: 127.0.0.1:$FRONTEND_PORT: cannot listen: Address already in use" ]
  [ ! -e "$T/peer.pid" ]
}

@test "a cache directory that cannot be made: one line, exit 1" {
  run --separate-stderr avalanche-peer --frontend="file://$T/www" --cache=/dev/null/cache
  [ "$status" -eq 1 ]
  [ "$stderr" = "avalanche-peer: /dev/null/cache: Not a directory" ]
}

@test "--listen must be an IPv4 address" {
  run --separate-stderr avalanche-peer --frontend="file://$T/www" --listen=999.1.2.3 \
    --cache="$T/cache"
  [ "$status" -eq 1 ]
  [ "$stderr" = "avalanche-peer: 999.1.2.3: not an IPv4 address" ]
  [ ! -e "$T/cache" ]
}

@test "--frontend is required" {
  run --separate-stderr avalanche-peer --port=8070
  [ "$status" -eq 1 ]
  [ "$stderr" = "avalanche-peer: --frontend=URL is required
Try 'avalanche-peer --help' for more information." ]
}

@test "a bad --port or --timeout, or an argument: one line, exit 1" {
  run --separate-stderr avalanche-peer --frontend=http://x/ --port=0
  [ "$status" -eq 1 ]
  [ "$stderr" = "avalanche-peer: --port=0: invalid number (expected 1 to 65535)" ]
  run --separate-stderr avalanche-peer --frontend=http://x/ --port=65536
  [ "$status" -eq 1 ]
  [ "$stderr" = "avalanche-peer: --port=65536: invalid number (expected 1 to 65535)" ]
  run --separate-stderr avalanche-peer --frontend=http://x/ --timeout=0
  [ "$status" -eq 1 ]
  [ "$stderr" = "avalanche-peer: --timeout=0: invalid number (expected 1 to 3600)" ]
  run --separate-stderr avalanche-peer --frontend=http://x/ --timeout=soon
  [ "$status" -eq 1 ]
  [ "$stderr" = "avalanche-peer: --timeout=soon: invalid number (expected 1 to 3600)" ]
  run --separate-stderr avalanche-peer --frontend=http://x/ extra
  [ "$status" -eq 1 ]
  [ "$stderr" = "avalanche-peer: unexpected argument 'extra'
Try 'avalanche-peer --help' for more information." ]
}

@test "the shipped graph: Kickstart_P2P=yes starts the peer, points url at it, stops it" {
  local ks
  ks=$(kpp --profile="$ROCKS_SRCDIR/graphs" --appliance=compute \
    --attr=Kickstart_P2P=yes | kgen)
  grep -qx 'url --url=http://127.0.0.1:8070/' <<<"$ks"
  [ "$(grep -c '^url ' <<<"$ks")" -eq 1 ]
  grep -qx "for i in 1 2 3 4 5 6; do curl -fsS -o /tmp/avalanche-peer.tar.xz 'http://10.1.1.1/install/sbin/avalanche-peer.tar.xz' \&\& break; sleep 2; done" <<<"$ks"
  # EL 8's curl (7.61) has no --retry-all-errors.
  ! grep -q -- '--retry-all-errors' <<<"$ks"
  grep -q "^setsid /tmp/avalanche-peer/run --frontend='http://10.1.1.1/install/rocks-dist/' --tracker='http://10.1.1.1:6969/announce'" <<<"$ks"
  grep -q '^%post --interpreter=/bin/bash --nochroot' <<<"$ks"
  ks=$(kpp --profile="$ROCKS_SRCDIR/graphs" --appliance=compute | kgen)
  grep -qx 'url --url=http://10.1.1.1/install/rocks-dist' <<<"$ks"
  ! grep -q avalanche <<<"$ks"
}
