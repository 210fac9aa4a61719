#!/usr/bin/env bats
# insert-ethers: discovering nodes from DHCP logs (real lines from ISC
# dhcpd, dnsmasq and kea-dhcp4 under t/data/insert-ethers/), one-shot
# inserts, --replace, --remove, --dump, the locks, every error path, and
# end to end with a real dhcpd and a real DHCP client in network
# namespaces. On SQLite and (under t/mariadb.test) on MariaDB.

bats_require_minimum_version 1.5.0
load helper

DATA=$ROCKS_SRCDIR/t/data/insert-ethers

setup() {
  rocks_setup
  BG_PIDS=()
  NS=
  mkdir -p "$T/etc" "$T/state"
  cat >>"$ROCKS_CONF" <<EOF
insert_ethers_lock = $T/insert-ethers.lock
dist_lock = $T/rocks-dist.lock
sync_conf = $T/sync.conf
hosts_local = $T/hosts.local
dns_local_dir = $T
profile = $ROCKS_SRCDIR/graphs
kickstart_statedir = $T/state
insert_ethers_quiet = 0.2
EOF
  printf '%s\n' "hosts | $T/etc/hosts | |" \
    "dhcpd | $T/etc/dhcpd.conf | dhcpd -t -cf %f | echo reloaded >>$T/reloads" >"$T/sync.conf"
}

teardown() {
  local p
  for p in "${BG_PIDS[@]}"; do
    kill "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  if [ -n "${DBFILE:-}" ]; then
    chattr -i "$DBFILE" "$DBFILE-wal" 2>/dev/null || true
  fi
  if [ -n "$NS" ]; then
    for p in $(ip netns pids "${NS}s" 2>/dev/null) $(ip netns pids "${NS}c" 2>/dev/null); do
      kill "$p" 2>/dev/null || true
    done
    ip netns del "${NS}s" 2>/dev/null || true
    ip netns del "${NS}c" 2>/dev/null || true
  fi
  rocks_teardown
}

# The database and every file the sync writes, to show that a failed
# command changed nothing.
snapshot() {
  db_dump
  local f
  for f in "$T"/etc/* "$T/reloads"; do
    [ -e "$f" ] && printf '== %s\n%s\n' "$f" "$(cat "$f")"
  done
  return 0
}

# Runs insert-ethers, which must fail with exactly one error line, print
# nothing on stdout and change nothing.
ie_fails_unchanged() {
  local expected=$1
  shift
  local before
  before=$(snapshot)
  fails_with "$expected" insert-ethers "$@"
  [ "$(snapshot)" = "$before" ]
}

# Starts insert-ethers in the background following FILE (its other
# arguments before), output in $T/out and $T/err; returns once it has the
# file open, so that lines appended afterwards are new to it.
follow() {
  insert-ethers "$@" >"$T/out" 2>"$T/err" &
  IE_PID=$!
  BG_PIDS+=("$IE_PID")
  local file=${*: -1} i
  for i in $(seq 400); do
    ls -l "/proc/$IE_PID/fd" 2>/dev/null | grep -qF -- "-> $file" && return 0
    sleep 0.05
  done
  echo "insert-ethers did not open $file"
  cat "$T/err"
  return 1
}

# Waits (up to 30 s) until FILE has a line equal to LINE.
wait_line() {
  local i
  for i in $(seq 600); do
    grep -qxF -- "$2" "$1" 2>/dev/null && return 0
    sleep 0.05
  done
  echo "no line '$2' in $1:"
  cat "$1"
  return 1
}

# Waits (up to 30 s) for the background insert-ethers to exit; its status
# goes in $status.
wait_exit() {
  local i
  for i in $(seq 600); do
    kill -0 "$IE_PID" 2>/dev/null || break
    sleep 0.05
  done
  status=0
  wait "$IE_PID" || status=$?
}

discover() { printf 'DHCPDISCOVER from %s via %s\n' "$1" "${2:-eth0}"; }

host_row() { rocks list host --format=tsv "$@"; }

# Two network namespaces joined by a veth pair: the frontend's side
# ${NS}s (iev0, 10.77.0.1/24, MAC 52:54:00:77:00:01) and a node's side
# ${NS}c (iev1, MAC 52:54:00:77:00:10, no address), and a cluster whose
# private network is 10.77.0.0/24. Skips unless root may create them.
netns_pair() {
  sqlite_only "one end-to-end run is enough"
  [ "$(id -u)" -eq 0 ] || skip "needs root to create network namespaces"
  command -v udhcpc >/dev/null || skip "udhcpc not installed (apt-get install udhcpc)"
  NS=rie$$
  ip netns add "${NS}s" 2>/dev/null || { NS=; skip "ip netns add is not permitted here"; }
  ip netns add "${NS}c"
  ip link add iev0 netns "${NS}s" type veth peer name iev1 netns "${NS}c"
  ip -n "${NS}s" link set iev0 address 52:54:00:77:00:01
  ip -n "${NS}s" addr add 10.77.0.1/24 dev iev0
  ip -n "${NS}s" link set iev0 up
  ip -n "${NS}c" link set iev1 address 52:54:00:77:00:10
  ip -n "${NS}c" link set iev1 up
  rocks init --private-network=10.77.0.0/24 --private-address=10.77.0.1 \
    --private-mac=52:54:00:77:00:01
}

# A real DHCP client (busybox udhcpc) on the node's side, trying TRIES
# times a second apart; the address it is given goes in $T/client.ip.
dhcp_client() {
  printf '#!/bin/sh\n[ "$1" = bound ] && echo "$ip" >%s/client.ip\nexit 0\n' "$T" \
    >"$T/udhcpc.script"
  chmod +x "$T/udhcpc.script"
  timeout 30 ip netns exec "${NS}c" udhcpc -i iev1 -f -q -n -t "$1" -T 1 -A 1 \
    -s "$T/udhcpc.script"
}

@test "a burst on stdin: names and addresses continue, one line per node, one sync" {
  rocks_fixture
  run --separate-stderr insert-ethers --batch - <"$DATA/dhcpd-syslog.log"
  [ "$status" -eq 0 ]
  [ "$stderr" = "" ]
  [ "$output" = "new compute-0-2 52:54:00:10:00:01 10.255.255.249
new compute-0-3 52:54:00:10:00:02 10.255.255.248
new compute-0-4 52:54:00:10:00:03 10.255.255.247
new compute-0-5 52:54:00:10:00:04 10.255.255.246
new compute-0-6 52:54:00:10:00:05 10.255.255.245
summary new=5 replaced=0 known=0 other-interface=1" ]
  run --separate-stderr host_row compute-0-2 compute-0-6
  [ "$output" = "$(printf 'compute-0-2\tcompute\t0\t2\t1\tinstall\t10.255.255.249\t52:54:00:10:00:01\t\ncompute-0-6\tcompute\t0\t6\t1\tinstall\t10.255.255.245\t52:54:00:10:00:05\t')" ]
  [ "$(cat "$T/reloads")" = "reloaded" ]
  grep -qxF "$(printf '10.255.255.245\tcompute-0-6.local compute-0-6 c0-6')" "$T/etc/hosts"
  grep -qF 'hardware ethernet 52:54:00:10:00:05;' "$T/etc/dhcpd.conf"
}

@test "on a terminal: a screen of the new nodes, redrawn from the top of the screen" {
  rocks_fixture
  # script(1) gives insert-ethers a terminal for stdout; the log is stdin.
  run script -qec "insert-ethers --max-new=2 - <'$DATA/dhcpd-syslog.log'" /dev/null
  [ "$status" -eq 0 ]
  screen=$'\e[H\e[2J'
  tty=$(tr -d '\r' <<<"$output")
  # The first screen, empty, then the one with both nodes.
  [[ $tty == "${screen}insert-ethers: appliance compute, rack 0 (Ctrl-C to quit)


0 new
"* ]]
  [[ $tty == *"${screen}insert-ethers: appliance compute, rack 0 (Ctrl-C to quit)

  compute-0-2  52:54:00:10:00:01  10.255.255.249  ( )
  compute-0-3  52:54:00:10:00:02  10.255.255.248  ( )

2 new
"* ]]
}

@test "real dhcpd, dnsmasq and kea-dhcp4 logs: each DISCOVER once, repeats known" {
  rocks_fixture
  run --separate-stderr insert-ethers --batch --interface=rkv0 --rack=2 - \
    < <(cat "$DATA/dhcpd.log" "$DATA/dnsmasq.log" "$DATA/kea.log")
  [ "$status" -eq 0 ]
  [ "$stderr" = "" ]
  [ "$output" = "new compute-2-0 52:54:00:aa:bb:01 10.255.255.249
new compute-2-1 52:54:00:aa:bb:02 10.255.255.248
new compute-2-2 52:54:00:aa:bb:03 10.255.255.247
new compute-2-3 52:54:00:aa:bb:0c 10.255.255.246
new compute-2-4 52:54:00:aa:bb:07 10.255.255.245
new compute-2-5 52:54:00:aa:bb:08 10.255.255.244
new compute-2-6 52:54:00:aa:bb:0a 10.255.255.243
new compute-2-7 52:54:00:aa:bb:0b 10.255.255.242
new compute-2-8 52:54:00:aa:bb:06 10.255.255.241
summary new=9 replaced=0 known=4 other-interface=0" ]
}

@test "-v reports each malformed line with FILE:LINE, counts them, and shows the sync" {
  rocks_fixture
  run --separate-stderr insert-ethers -v --batch --max-new=1 - <"$DATA/dhcpd-syslog.log"
  [ "$status" -eq 0 ]
  [ "$output" = "new compute-0-2 52:54:00:10:00:01 10.255.255.249
summary new=1 replaced=0 known=0 other-interface=0 malformed=0" ]
  [ "$stderr" = "$T/etc/hosts: written
$T/etc/dhcpd.conf: written
$T/etc/dhcpd.conf: reloaded: echo reloaded >>$T/reloads" ]
  run --separate-stderr insert-ethers -v --batch - <"$DATA/dhcpd-syslog.log"
  [ "$status" -eq 0 ]
  [ "${lines[-1]}" = "summary new=4 replaced=0 known=1 other-interface=1 malformed=2" ]
  [ "$(head -2 <<<"$stderr")" = "insert-ethers: -:9: skipped: dhcpd: unreadable MAC address '52:54:00:10:00'
insert-ethers: -:10: skipped: dhcpd: no 'via INTERFACE'" ]
}

@test "a client's host name cannot fake the interface, nor another program's line add a node" {
  rocks_fixture
  local before
  before=$(snapshot)
  run --separate-stderr insert-ethers -v --batch - <<'EOF'
Nov 21 05:50:02 frontend dhcpd[812]: DHCPDISCOVER from 52:54:00:10:00:09 (evil via eth0 ) via eth1
Nov 21 05:50:02 frontend dhcpd[812]: DHCPDISCOVER from 52:54:00:10:00:0a (x) via eth0: y) via eth1: network 10.0.0.0/8: no free leases
Nov 21 05:50:03 frontend sshd[900]: Invalid user DHCPDISCOVER from 52:54:00:10:00:0b via eth0
Nov 21 05:50:03 frontend eve: DHCPDISCOVER from 52:54:00:10:00:0c via eth0
Nov 21 05:50:04 dnsmasq-dhcp[375]: 13 client provides name: DHCPDISCOVER(eth0) 52:54:00:10:00:0d
EOF
  [ "$status" -eq 0 ]
  [ "$stderr" = "" ]
  [ "$output" = "summary new=0 replaced=0 known=0 other-interface=2 malformed=0" ]
  [ "$(snapshot)" = "$before" ]
}

@test "requests that all arrive on another interface get one warning naming it" {
  rocks_fixture
  local before
  before=$(snapshot)
  run --separate-stderr insert-ethers --batch - <<'EOF'
Nov 21 05:50:02 frontend dhcpd[812]: DHCPDISCOVER from 52:54:00:10:00:01 via ens3
Nov 21 05:50:03 frontend dhcpd[812]: DHCPDISCOVER from 52:54:00:10:00:02 via ens3
Nov 21 05:50:04 frontend dhcpd[812]: DHCPDISCOVER from 52:54:00:10:00:03 via ens3
Nov 21 05:50:05 frontend dhcpd[812]: DHCPDISCOVER from 52:54:00:10:00:04 via ens3
EOF
  [ "$status" -eq 0 ]
  [ "$stderr" = "insert-ethers: every DHCP request so far (3) arrived elsewhere than eth0 (the last via ens3): is --interface right?" ]
  [ "$output" = "summary new=0 replaced=0 known=0 other-interface=4" ]
  [ "$(snapshot)" = "$before" ]
}

@test "journal entries (journalctl -o json) count only when dhcpd itself logged them" {
  rocks_fixture
  local before
  before=$(snapshot)
  # What `logger -t dhcpd "DHCPDISCOVER from ... via eth0"` by a local user
  # and a copy of dhcpd run by that user put in the journal.
  run --separate-stderr insert-ethers -v --batch - <<'EOF'
{"__REALTIME_TIMESTAMP":"1795585802000000","SYSLOG_IDENTIFIER":"dhcpd","_PID":"4242","MESSAGE":"DHCPDISCOVER from 52:54:00:10:00:09 via eth0","_COMM":"logger","_EXE":"/usr/bin/logger","_UID":"1000"}
{"__REALTIME_TIMESTAMP":"1795585803000000","SYSLOG_IDENTIFIER":"dhcpd","_PID":"4243","MESSAGE":"DHCPDISCOVER from 52:54:00:10:00:0a via eth0","_COMM":"dhcpd","_EXE":"/home/eve/dhcpd","_UID":"1000"}
{"__REALTIME_TIMESTAMP":"1795585804000000","SYSLOG_IDENTIFIER":"logger","_PID":"4244","MESSAGE":"Nov 21 05:50:02 frontend dhcpd[812]: DHCPDISCOVER from 52:54:00:10:00:0b via eth0","_COMM":"dhcpd","_EXE":"/usr/sbin/dhcpd","_UID":"0"}
EOF
  [ "$status" -eq 0 ]
  [ "$output" = "summary new=0 replaced=0 known=0 other-interface=0 malformed=2" ]
  [ "$stderr" = "insert-ethers: -:1: skipped: journal: not logged by dhcpd (_COMM=logger _EXE=/usr/bin/logger _UID=1000)
insert-ethers: -:2: skipped: journal: not logged by dhcpd (_COMM=dhcpd _EXE=/home/eve/dhcpd _UID=1000)" ]
  [ "$(snapshot)" = "$before" ]
  run --separate-stderr insert-ethers --batch - <<'EOF'
{"__REALTIME_TIMESTAMP":"1795585805000000","SYSLOG_IDENTIFIER":"dhcpd","_PID":"812","MESSAGE":"DHCPDISCOVER from 52:54:00:10:00:0c (node12) via eth0","_COMM":"dhcpd","_EXE":"/usr/sbin/dhcpd","_UID":"177"}
EOF
  [ "$status" -eq 0 ]
  [ "$stderr" = "" ]
  [ "$output" = "new compute-0-2 52:54:00:10:00:0c 10.255.255.249
summary new=1 replaced=0 known=0 other-interface=0" ]
}

@test "known MACs and other interfaces are counted, not inserted, and nothing is synced" {
  rocks_fixture
  local before
  before=$(snapshot)
  run --separate-stderr insert-ethers --batch - < <(discover 52:54:00:00:00:10;
    discover 52-54-00-00-00-30; discover 52:54:00:00:00:99 eth1)
  [ "$status" -eq 0 ]
  [ "$stderr" = "" ]
  [ "$output" = "summary new=0 replaced=0 known=2 other-interface=1" ]
  [ "$(snapshot)" = "$before" ]
}

@test "follows a log from its end across rotation and truncation, stops at --max-new" {
  rocks_fixture
  discover 52:54:00:20:00:00 >"$T/dhcp.log"
  follow --batch --max-new=3 "$T/dhcp.log"
  discover 52:54:00:20:00:01 >>"$T/dhcp.log"
  wait_line "$T/out" "new compute-0-2 52:54:00:20:00:01 10.255.255.249"
  mv "$T/dhcp.log" "$T/dhcp.log.1"
  discover 52:54:00:20:00:02 >"$T/dhcp.log"
  wait_line "$T/out" "new compute-0-3 52:54:00:20:00:02 10.255.255.248"
  : >"$T/dhcp.log"
  # Shorter than what was read, as a rotated-by-copy log would be.
  discover 5254.0020.0003 >>"$T/dhcp.log"
  wait_exit
  [ "$status" -eq 0 ]
  [ "$(cat "$T/err")" = "" ]
  [ "$(cat "$T/out")" = "new compute-0-2 52:54:00:20:00:01 10.255.255.249
new compute-0-3 52:54:00:20:00:02 10.255.255.248
new compute-0-4 52:54:00:20:00:03 10.255.255.247
summary new=3 replaced=0 known=0 other-interface=0" ]
  [ ! -e "$T/insert-ethers.lock" ]
}

@test "( ) turns to (*): a kickstart line once the node fetched its kickstart" {
  rocks_fixture
  : >"$T/dhcp.log"
  follow --batch "$T/dhcp.log"
  discover 52:54:00:20:00:01 >>"$T/dhcp.log"
  wait_line "$T/out" "new compute-0-2 52:54:00:20:00:01 10.255.255.249"
  REQUEST_METHOD=GET REMOTE_ADDR=10.255.255.249 QUERY_STRING= kickstart.cgi >"$T/ks"
  head -1 "$T/ks" | grep -q '^Status: 200'
  wait_line "$T/out" "kickstart compute-0-2"
  kill -INT "$IE_PID"
  wait_exit
  [ "$status" -eq 0 ]
  [ "$(cat "$T/out")" = "new compute-0-2 52:54:00:20:00:01 10.255.255.249
kickstart compute-0-2
summary new=1 replaced=0 known=0 other-interface=0" ]
}

@test "one-shot insert with --mac, --hostname and --ipaddr" {
  rocks_fixture
  run --separate-stderr insert-ethers --mac=52-54-00-AA-BB-CC --hostname=special \
    --ipaddr=10.1.0.9 --appliance=login --cabinet=3 --cpus=8 --device=eth2 --module=e1000e
  [ "$status" -eq 0 ]
  [ "$stderr" = "" ]
  [ "$output" = "new special 52:54:00:aa:bb:cc 10.1.0.9" ]
  run --separate-stderr host_row special
  [ "$output" = "$(printf 'special\tlogin\t3\t0\t8\tinstall\t10.1.0.9\t52:54:00:aa:bb:cc\t')" ]
  run --separate-stderr rocks list host interface --format=tsv special
  [ "$output" = "$(printf 'special\teth2\tprivate\t10.1.0.9\t52:54:00:aa:bb:cc\te1000e\t\t\t\t')" ]
  [ "$(cat "$T/reloads")" = "reloaded" ]
  run --separate-stderr insert-ethers --mac=52:54:00:aa:bb:cd --basename=node --rank=7 \
    --baseip=10.0.0.20 --inc=2
  [ "$output" = "new node-0-7 52:54:00:aa:bb:cd 10.0.0.20" ]
}

@test "one-shot: a duplicate MAC changes nothing" {
  rocks_fixture
  ie_fails_unchanged "insert-ethers: --mac=52:54:00:00:00:10: already used by compute-0-0" \
    --mac=52:54:00:00:00:10
}

@test "one-shot: an address in use changes nothing" {
  rocks_fixture
  ie_fails_unchanged "insert-ethers: ip=10.255.255.254: already used by compute-0-0" \
    --mac=52:54:00:00:00:99 --ipaddr=10.255.255.254
}

@test "one-shot: an address outside the private subnet changes nothing" {
  rocks_fixture
  ie_fails_unchanged "insert-ethers: ip=192.168.1.9: not in subnet private (10.0.0.0/8)" \
    --mac=52:54:00:00:00:99 --ipaddr=192.168.1.9
}

@test "one-shot: a host name in use changes nothing" {
  rocks_fixture
  ie_fails_unchanged "insert-ethers: compute-0-0: host already exists" \
    --mac=52:54:00:00:00:99 --hostname=compute-0-0
}

@test "one-shot: a malformed MAC changes nothing" {
  rocks_fixture
  ie_fails_unchanged "insert-ethers: --mac=52:54:zz: invalid MAC address" --mac=52:54:zz
}

@test "one-shot: the all-zero and broadcast MACs, a reserved name change nothing" {
  rocks_fixture
  ie_fails_unchanged "insert-ethers: --mac=00:00:00:00:00:00: the all-zero MAC address is no interface's" \
    --mac=00:00:00:00:00:00
  ie_fails_unchanged "insert-ethers: --mac=ff:ff:ff:ff:ff:ff: the broadcast MAC address is no interface's" \
    --mac=ff:ff:ff:ff:ff:ff
  ie_fails_unchanged "insert-ethers: --hostname=localhost: reserved host name" \
    --mac=52:54:00:00:00:99 --hostname=localhost
}

@test "one-shot: a dotted --hostname or --basename changes nothing" {
  rocks_fixture
  ie_fails_unchanged "insert-ethers: --hostname=www.google.com: dotted name (host names are one DNS label)" \
    --mac=52:54:00:00:00:99 --hostname=www.google.com
  ie_fails_unchanged "insert-ethers: --basename=node.example.org: dotted name (host names are one DNS label)" \
    --mac=52:54:00:00:00:99 --basename=node.example.org
}

@test "requests from the all-zero or broadcast MAC are skipped" {
  rocks_fixture
  local before
  before=$(snapshot)
  run --separate-stderr insert-ethers -v --batch - < <(discover 00:00:00:00:00:00;
    discover ff:ff:ff:ff:ff:ff)
  [ "$status" -eq 0 ]
  [ "$output" = "summary new=0 replaced=0 known=0 other-interface=0 malformed=2" ]
  [ "$stderr" = "insert-ethers: -:1: skipped: dhcpd: 00:00:00:00:00:00: the all-zero MAC address is no interface's
insert-ethers: -:2: skipped: dhcpd: ff:ff:ff:ff:ff:ff: the broadcast MAC address is no interface's" ]
  [ "$(snapshot)" = "$before" ]
}

@test "an unknown appliance changes nothing" {
  rocks_fixture
  ie_fails_unchanged "insert-ethers: --appliance=compte: unknown appliance (did you mean 'compute'?)" \
    --appliance=compte --mac=52:54:00:00:00:99
  ie_fails_unchanged "insert-ethers: --appliance=compte: unknown appliance (did you mean 'compute'?)" \
    --appliance=compte - </dev/null
}

@test "an appliance not offered for new nodes changes nothing" {
  rocks_fixture
  ie_fails_unchanged "insert-ethers: --appliance=frontend: not an appliance for new nodes" \
    --appliance=frontend --mac=52:54:00:00:00:99
}

@test "a full subnet: the node that does not fit is refused, the ones before stay" {
  rocks init --private-network=10.9.0.0/29 --private-address=10.9.0.1 \
    --private-mac=52:54:00:00:00:01
  rocks add host compute-0-0 appliance=compute mac=52:54:00:00:00:10 ip=10.9.0.6
  rocks add host compute-0-1 appliance=compute mac=52:54:00:00:00:11 ip=10.9.0.4
  rocks add host compute-0-2 appliance=compute mac=52:54:00:00:00:12 ip=10.9.0.3
  run --separate-stderr insert-ethers --batch - < <(discover 52:54:00:00:00:20;
    discover 52:54:00:00:00:21; discover 52:54:00:00:00:22)
  [ "$status" -eq 1 ]
  [ "$output" = "new compute-0-3 52:54:00:00:00:20 10.9.0.5
new compute-0-4 52:54:00:00:00:21 10.9.0.2
summary new=2 replaced=0 known=0 other-interface=0" ]
  [ "$stderr" = "insert-ethers: -:3: 52:54:00:00:00:22: private subnet 10.9.0.0/29: no free address" ]
  [ "$(rocks list host --format=tsv | wc -l)" = 6 ]
  grep -qF 'hardware ethernet 52:54:00:00:00:21;' "$T/etc/dhcpd.conf"
  ie_fails_unchanged "insert-ethers: private subnet 10.9.0.0/29: no free address" \
    --mac=52:54:00:00:00:22
}

@test "--replace: new hardware takes the host's name, rack, rank and address" {
  rocks_fixture
  run --separate-stderr insert-ethers --replace=compute-1-0 --mac=52:54:00:00:09:01
  [ "$status" -eq 0 ]
  [ "$stderr" = "" ]
  [ "$output" = "replaced compute-1-0 52:54:00:00:09:01 10.255.255.252" ]
  run --separate-stderr host_row compute-1-0
  [ "$output" = "$(printf 'compute-1-0\tcompute\t1\t0\t8\tinstall\t10.255.255.252\t52:54:00:00:09:01\t')" ]
  grep -qF 'hardware ethernet 52:54:00:00:09:01;' "$T/etc/dhcpd.conf"
  run ! grep -qF 'hardware ethernet 52:54:00:00:00:12;' "$T/etc/dhcpd.conf"
}

@test "--replace from the log: the first new MAC takes the place, then it stops" {
  rocks_fixture
  run --separate-stderr insert-ethers --batch --replace=compute-0-1 - < <(
    discover 52:54:00:00:00:10; discover 52:54:00:00:09:02; discover 52:54:00:00:09:03)
  [ "$status" -eq 0 ]
  [ "$stderr" = "" ]
  [ "$output" = "replaced compute-0-1 52:54:00:00:09:02 10.255.255.253
summary new=0 replaced=1 known=1 other-interface=0" ]
  [ "$(rocks list host --format=tsv | wc -l)" = 6 ]
}

@test "--replace: an unknown host changes nothing" {
  rocks_fixture
  ie_fails_unchanged "insert-ethers: --replace=compute-9-9: unknown host" \
    --replace=compute-9-9 --mac=52:54:00:00:09:01
  ie_fails_unchanged "insert-ethers: --replace=compute-9-9: unknown host" \
    --replace=compute-9-9 - </dev/null
}

@test "--replace: the frontend cannot be replaced" {
  rocks_fixture
  ie_fails_unchanged "insert-ethers: --replace=frontend: the frontend cannot be replaced" \
    --replace=frontend --mac=52:54:00:00:09:01
}

@test "--replace: a MAC in use changes nothing" {
  rocks_fixture
  ie_fails_unchanged "insert-ethers: --mac=52:54:00:00:00:20: already used by login-0-0" \
    --replace=compute-0-0 --mac=52:54:00:00:00:20
}

@test "--remove removes the host and resyncs" {
  rocks_fixture
  rocks sync config
  run --separate-stderr insert-ethers --remove=compute-0-1
  [ "$status" -eq 0 ]
  [ "$stderr" = "" ]
  [ "$output" = "removed compute-0-1" ]
  run --separate-stderr host_row compute-0-1
  [ "$status" -eq 1 ]
  run ! grep -qF compute-0-1 "$T/etc/hosts"
  [ "$(cat "$T/reloads")" = "$(printf 'reloaded\nreloaded')" ]
}

@test "--remove: an unknown host changes nothing" {
  rocks_fixture
  ie_fails_unchanged "insert-ethers: --remove=compute-0-9: unknown host (did you mean 'compute-0-0'?)" \
    --remove=compute-0-9
}

@test "--remove: the frontend cannot be removed" {
  rocks_fixture
  ie_fails_unchanged "insert-ethers: --remove=frontend: the frontend cannot be removed" \
    --remove=frontend
}

@test "--dump prints commands that rebuild the nodes in an empty cluster" {
  rocks_fixture
  run --separate-stderr insert-ethers --dump
  [ "$status" -eq 0 ]
  [ "$stderr" = "" ]
  [ "$output" = "insert-ethers --hostname=compute-0-0 --appliance=compute --rack=0 --rank=0 --cpus=4 --device=eth0 --mac=52:54:00:00:00:10 --ipaddr=10.255.255.254 --batch
insert-ethers --hostname=compute-0-1 --appliance=compute --rack=0 --rank=1 --cpus=4 --device=eth0 --mac=52:54:00:00:00:11 --ipaddr=10.255.255.253 --batch
insert-ethers --hostname=compute-1-0 --appliance=compute --rack=1 --rank=0 --cpus=8 --device=eth0 --mac=52:54:00:00:00:12 --ipaddr=10.255.255.252 --batch
insert-ethers --hostname=login-0-0 --appliance=login --rack=0 --rank=0 --cpus=1 --device=eth0 --mac=52:54:00:00:00:20 --ipaddr=10.255.255.251 --batch
insert-ethers --hostname=nas-0-0 --appliance=nas --rack=0 --rank=0 --cpus=1 --device=eth0 --mac=52:54:00:00:00:30 --ipaddr=10.255.255.250 --batch" ]
  printf '%s\n' "$output" >"$T/nodes.sh"
  local hosts interfaces
  hosts=$(rocks list host --format=tsv)
  interfaces=$(rocks list host interface --format=tsv)
  rocks remove host compute-0-0 compute-0-1 compute-1-0 login-0-0 nas-0-0
  [ "$(rocks list host --format=tsv | wc -l)" = 1 ]
  run --separate-stderr sh -e "$T/nodes.sh"
  [ "$status" -eq 0 ]
  [ "$stderr" = "" ]
  [ "$(rocks list host interface --format=tsv)" = "$interfaces" ]
  # The same hosts, now set to install.
  [ "$(rocks list host --format=tsv)" = "$(sed '2,$ s/\tos\t/\tinstall\t/' <<<"$hosts")" ]
}

@test "--update only rewrites the files, and reloads only what changed" {
  rocks_fixture
  run --separate-stderr insert-ethers --update
  [ "$status" -eq 0 ]
  [ "$output" = "" ]
  [ "$stderr" = "" ]
  grep -qF 'hardware ethernet 52:54:00:00:00:30;' "$T/etc/dhcpd.conf"
  run --separate-stderr insert-ethers --update -v
  [ "$status" -eq 0 ]
  [ "$stderr" = "$T/etc/hosts: unchanged
$T/etc/dhcpd.conf: unchanged" ]
  [ "$(cat "$T/reloads")" = "reloaded" ]
}

@test "--norestart rewrites the files but reloads nothing" {
  rocks_fixture
  run --separate-stderr insert-ethers --norestart --batch - < <(discover 52:54:00:00:09:01)
  [ "$status" -eq 0 ]
  [ "$output" = "new compute-0-2 52:54:00:00:09:01 10.255.255.249
summary new=1 replaced=0 known=0 other-interface=0" ]
  grep -qF 'hardware ethernet 52:54:00:00:09:01;' "$T/etc/dhcpd.conf"
  [ ! -e "$T/reloads" ]
}

@test "a failed sync is reported, exit 1; the node stays and the old file too" {
  rocks_fixture
  rocks sync config
  local old
  old=$(cat "$T/etc/dhcpd.conf")
  printf '%s\n' "dhcpd | $T/etc/dhcpd.conf | false | echo reloaded >>$T/reloads" >"$T/sync.conf"
  run --separate-stderr insert-ethers --mac=52:54:00:00:09:01
  [ "$status" -eq 1 ]
  [ "$output" = "new compute-0-2 52:54:00:00:09:01 10.255.255.249" ]
  [ "$stderr" = "insert-ethers: $T/etc/dhcpd.conf: validation failed: 'false' exited with status 1" ]
  [ "$(cat "$T/etc/dhcpd.conf")" = "$old" ]
  run --separate-stderr host_row compute-0-2
  [ "$status" -eq 0 ]
}

@test "a lock held by a live insert-ethers: refused, nothing changed" {
  rocks_fixture
  hold_lock "$T/insert-ethers.lock"
  ie_fails_unchanged "insert-ethers: $T/insert-ethers.lock: locked by process $$" \
    --mac=52:54:00:00:09:01
  ie_fails_unchanged "insert-ethers: $T/insert-ethers.lock: locked by process $$" --update
  exec 8>&-
  [ "$(cat "$T/insert-ethers.lock")" = "$$" ]
}

@test "a lock file left by a dead process, or naming a live one, does not block" {
  rocks_fixture
  sh -c 'exit 0' &
  local dead=$!
  wait "$dead"
  echo "$dead" >"$T/insert-ethers.lock"
  run --separate-stderr insert-ethers --mac=52:54:00:00:09:01
  [ "$status" -eq 0 ]
  [ "$output" = "new compute-0-2 52:54:00:00:09:01 10.255.255.249" ]
  [ ! -e "$T/insert-ethers.lock" ]
  # Any user could write "1" (init, always alive) into a lock file.
  echo 1 >"$T/insert-ethers.lock"
  echo 1 >"$T/rocks-dist.lock"
  run --separate-stderr insert-ethers --mac=52:54:00:00:09:02
  [ "$status" -eq 0 ]
  [ "$output" = "new compute-0-3 52:54:00:00:09:02 10.255.255.248" ]
  [ ! -e "$T/insert-ethers.lock" ]
}

@test "--device and --module must be names, not dhcpd.conf text" {
  rocks_fixture
  ie_fails_unchanged "insert-ethers: device=eth0;}host evil{: invalid interface name" \
    --mac=52:54:00:00:09:01 '--device=eth0;}host evil{'
  ie_fails_unchanged "insert-ethers: module=e1000 x: invalid module name" \
    --mac=52:54:00:00:09:01 '--module=e1000 x'
}

@test "a symbolic link planted as the lock: refused, its target untouched" {
  rocks_fixture
  echo keep >"$T/precious"
  ln -s "$T/precious" "$T/insert-ethers.lock"
  ie_fails_unchanged "insert-ethers: $T/insert-ethers.lock: a symbolic link; a lock must be a regular file" \
    --mac=52:54:00:00:09:01
  [ "$(cat "$T/precious")" = keep ]
}

@test "refuses to run while rocks-dist holds its lock; --dump still reads" {
  rocks_fixture
  hold_lock "$T/rocks-dist.lock"
  ie_fails_unchanged "insert-ethers: $T/rocks-dist.lock: rocks-dist is building the distribution (process $$); try again when it is done" \
    --mac=52:54:00:00:09:01
  ie_fails_unchanged "insert-ethers: $T/rocks-dist.lock: rocks-dist is building the distribution (process $$); try again when it is done" \
    - </dev/null
  run --separate-stderr insert-ethers --dump
  exec 8>&-
  [ "$status" -eq 0 ]
  [ "${#lines[@]}" -eq 5 ]
}

@test "a database that goes away mid-run: reported, exit 1, nothing half-inserted" {
  rocks_fixture
  : >"$T/dhcp.log"
  follow --batch "$T/dhcp.log"
  discover 52:54:00:20:00:01 >>"$T/dhcp.log"
  wait_line "$T/out" "new compute-0-2 52:54:00:20:00:01 10.255.255.249"
  local expected
  if [ "${ROCKS_TEST_ENGINE:-sqlite}" = mysql ]; then
    # The server drops the tool's connection, as when it is stopped.
    mariadb --socket="$ROCKS_TEST_MYSQL_SOCKET" -u root -N -e \
      "SELECT id FROM information_schema.processlist WHERE db = '$ROCKS_TEST_DBNAME'" |
      while read -r id; do
        mariadb --socket="$ROCKS_TEST_MYSQL_SOCKET" -u root -e "KILL $id" || true
      done
    expected="$ROCKS_DB: Server has gone away"
  else
    # The database file and its write-ahead log become unwritable.
    DBFILE=${ROCKS_DB#sqlite:}
    chattr +i "$DBFILE" "$DBFILE-wal" 2>/dev/null ||
      skip "chattr +i is not supported where $DBFILE is"
    expected="$DBFILE: disk I/O error"
  fi
  discover 52:54:00:20:00:02 >>"$T/dhcp.log"
  wait_exit
  echo "stderr was: $(cat "$T/err")"
  [ "$status" -eq 1 ]
  # Found while reading the database, or while inserting the node the
  # log's second line asked for (then naming that line).
  local found=(-e "insert-ethers: $expected"
    -e "insert-ethers: $T/dhcp.log:2: 52:54:00:20:00:02: $expected")
  grep -qxF "${found[@]}" "$T/err"
  # Any other line is the first node's sync failing, before or after,
  # naming the files it leaves as they were.
  [ "$(grep -vxF "${found[@]}" "$T/err" | grep -cv "^insert-ethers: $T/etc/hosts: ")" = 0 ]
  [ "$(cat "$T/out")" = "new compute-0-2 52:54:00:20:00:01 10.255.255.249
summary new=1 replaced=0 known=0 other-interface=0" ]
  [ -z "${DBFILE:-}" ] || chattr -i "$DBFILE" "$DBFILE-wal"
  run --separate-stderr rocks list host --format=tsv
  [ "${#lines[@]}" -eq 7 ]
  [ "${lines[3]}" = "$(printf 'compute-0-2\tcompute\t0\t2\t1\tinstall\t10.255.255.249\t52:54:00:20:00:01\t')" ]
  run ! grep -q 52:54:00:20:00:02 <<<"$(db_dump)"
}

@test "option errors" {
  rocks_fixture
  ie_fails_unchanged "insert-ethers: --rack=x: invalid number (expected 0 or more)" --rack=x
  ie_fails_unchanged "insert-ethers: --cabinet=-1: invalid number (expected 0 or more)" --cabinet=-1
  ie_fails_unchanged "insert-ethers: --max-new=0: invalid number (expected 1 or more)" --max-new=0
  ie_fails_unchanged "insert-ethers: --cpus=0: invalid number (expected 1 or more)" --cpus=0
  ie_fails_unchanged "insert-ethers: --inc=0: the step must not be 0" --inc=0 --mac=52:54:00:00:09:01
  ie_fails_unchanged "insert-ethers: --baseip=192.168.1.9: not in the private subnet 10.0.0.0/8" \
    --baseip=192.168.1.9 --mac=52:54:00:00:09:01
  ie_fails_unchanged "insert-ethers: --dump, --update, --remove, --replace and a one-shot insert (--mac, --hostname, --ipaddr) go one at a time" \
    --dump --update
  ie_fails_unchanged "insert-ethers: --replace takes the host's name and address: no --hostname or --ipaddr" \
    --replace=compute-0-0 --hostname=x
  ie_fails_unchanged "insert-ethers: unexpected argument 'extra'" --mac=52:54:00:00:09:01 extra
  ie_fails_unchanged "insert-ethers: unexpected argument 'b.log'" a.log b.log
  ie_fails_unchanged "insert-ethers: --log=a.log and b.log: give one log" --log=a.log b.log
  ie_fails_unchanged "insert-ethers: $T/missing.log: No such file or directory" "$T/missing.log"
  ie_fails_unchanged "insert-ethers: $T/missing.log: No such file or directory" --log="$T/missing.log"
}

@test "end to end: real dhcpd and client in network namespaces; the node gets its fixed address" {
  command -v dhcpd >/dev/null || skip "dhcpd not installed (apt-get install isc-dhcp-server)"
  netns_pair
  # The sync's reload restarts the test's dhcpd in its namespace, logging
  # to the file insert-ethers follows.
  cat >"$T/restart-dhcpd" <<EOF
#!/bin/sh
if [ -f $T/dhcpd.pid ]; then
  pid=\$(cat $T/dhcpd.pid)
  kill \$pid 2>/dev/null
  while kill -0 \$pid 2>/dev/null; do sleep 0.05; done
  rm -f $T/dhcpd.pid
fi
ip netns exec ${NS}s dhcpd -d -f -cf $T/etc/dhcpd.conf -lf $T/leases -pf $T/dhcpd.pid iev0 \
  </dev/null >>$T/dhcpd.log 2>&1 &
EOF
  chmod +x "$T/restart-dhcpd"
  : >"$T/leases"
  : >"$T/dhcpd.log"
  printf '%s\n' "dhcpd | $T/etc/dhcpd.conf | dhcpd -t -cf %f | $T/restart-dhcpd" >"$T/sync.conf"
  insert-ethers --update
  wait_line "$T/dhcpd.log" "Server starting service."
  follow --batch --interface=iev0 --max-new=1 "$T/dhcpd.log"
  run dhcp_client 15
  [ "$status" -eq 0 ]
  [ "$(cat "$T/client.ip")" = 10.77.0.254 ]
  wait_exit
  [ "$status" -eq 0 ]
  [ "$(cat "$T/out")" = "new compute-0-0 52:54:00:77:00:10 10.77.0.254
summary new=1 replaced=0 known=0 other-interface=0" ]
  grep -qxF "DHCPDISCOVER from 52:54:00:77:00:10 via iev0: network 10.77.0.0/24: no free leases" "$T/dhcpd.log"
  grep -qxF "DHCPACK on 10.77.0.254 to 52:54:00:77:00:10 via iev0" "$T/dhcpd.log"
  run --separate-stderr host_row compute-0-0
  [ "$output" = "$(printf 'compute-0-0\tcompute\t0\t0\t1\tinstall\t10.77.0.254\t52:54:00:77:00:10\t')" ]
}

@test "end to end: a real kea-dhcp4 logging its packets, a real client; the node is inserted" {
  command -v kea-dhcp4 >/dev/null || skip "kea-dhcp4 not installed (apt-get install kea-dhcp4-server)"
  netns_pair
  # No pool, as on a Rocks frontend: an unknown node gets no offer. The
  # packet logger at debug level 50 is what shows its DHCPDISCOVER.
  cat >"$T/kea.conf" <<EOF
{ "Dhcp4": {
  "interfaces-config": { "interfaces": [ "iev0" ] },
  "lease-database": { "type": "memfile", "persist": false },
  "subnet4": [ { "id": 1, "subnet": "10.77.0.0/24" } ],
  "loggers": [
    { "name": "kea-dhcp4", "severity": "INFO", "output_options": [ { "output": "$T/kea.log" } ] },
    { "name": "kea-dhcp4.packets", "severity": "DEBUG", "debuglevel": 50,
      "output_options": [ { "output": "$T/kea.log" } ] } ] } }
EOF
  : >"$T/kea.log"
  KEA_PIDFILE_DIR=$T KEA_LOCKFILE_DIR=$T ip netns exec "${NS}s" kea-dhcp4 -c "$T/kea.conf" \
    </dev/null >"$T/kea.out" 2>&1 &
  BG_PIDS+=($!)
  local i
  for i in $(seq 400); do
    grep -q DHCP4_STARTED "$T/kea.log" && break
    sleep 0.05
  done
  follow --batch --interface=iev0 --max-new=1 "$T/kea.log"
  run dhcp_client 2
  wait_exit
  [ "$status" -eq 0 ]
  [ "$(cat "$T/err")" = "" ]
  [ "$(cat "$T/out")" = "new compute-0-0 52:54:00:77:00:10 10.77.0.254
summary new=1 replaced=0 known=0 other-interface=0" ]
  grep -q 'DHCP4_PACKET_RECEIVED \[hwtype=1 52:54:00:77:00:10\].*DHCPDISCOVER (type 1)' "$T/kea.log"
}
