#!/usr/bin/env bats
# rocks sync config: every file of sync.conf rewritten from its report,
# validated by the real checker first, reloaded only when changed, with a
# dry run; a failing check or a crash leaves the old file whole; and a real
# ISC dhcpd serving the generated file answers a real DHCP client.

load helper
load report-fixture
bats_require_minimum_version 1.5.0

setup() {
  rocks_setup
  export SOURCE_DATE_EPOCH=1700000000
  # Kea's lock and PID files go to the test directory, not /run/kea.
  export KEA_LOCKFILE_DIR=$T KEA_PIDFILE_DIR=$T
  printf 'hosts_local = %s\ndns_local_dir = %s\nsync_conf = %s\n' \
    "$T/hosts.local" "$T/named" "$T/sync.conf" >>"$ROCKS_CONF"
  E=$T/etc
  mkdir -p "$E/pxe"
  # The installer the pxe line copies into the TFTP root comes from the
  # distribution; the boot loaders from this machine's packages.
  mkdir -p "$T/dist/images/pxeboot"
  echo kernel >"$T/dist/images/pxeboot/vmlinuz"
  echo initrd >"$T/dist/images/pxeboot/initrd.img"
  printf 'root = %s\n' "$T/dist" >"$T/rocks-dist.conf"
  printf 'dist_conf = %s\n' "$T/rocks-dist.conf" >>"$ROCKS_CONF"
  cat >"$T/sync.conf" <<EOF
# The files the tests sync.
hosts       | $E/hosts       |                                    | echo hosts >>$T/reloads
ethers      | $E/ethers      |                                    |
dhcpd       | $E/dhcpd.conf  | dhcpd -t -cf %f                    | echo dhcpd >>$T/reloads
kea         | $E/kea.conf    | kea-dhcp4 -t %f                    | echo kea >>$T/reloads
dns         | $E/local.zone  | named-checkzone local %f           | echo dns >>$T/reloads
dns-reverse | $E/10.zone     | named-checkzone 10.in-addr.arpa %f | echo dns-reverse >>$T/reloads
pxe         | $E/pxe         |                                    | echo pxe >>$T/reloads
EOF
}

teardown() {
  if [ -n "${DHCPD_PID:-}" ]; then
    kill "$DHCPD_PID" 2>/dev/null || true
    wait "$DHCPD_PID" 2>/dev/null || true
  fi
  if [ -n "${KEA_PID:-}" ]; then
    kill "$KEA_PID" 2>/dev/null || true
    wait "$KEA_PID" 2>/dev/null || true
  fi
  [ -z "${NS_SERVER:-}" ] || ip netns del "$NS_SERVER" 2>/dev/null || true
  [ -z "${NS_CLIENT:-}" ] || ip netns del "$NS_CLIENT" 2>/dev/null || true
  rocks_teardown
}

# The sync's stderr with the test directory replaced by @T@.
log_of() { printf '%s\n' "${1//$T/@T@}"; }

@test "rocks sync config writes every file, each passing its checker, and reloads" {
  report_fixture
  run --separate-stderr rocks -v sync config
  [ "$status" -eq 0 ]
  [ "$output" = "" ]
  [ "$(log_of "$stderr")" = "@T@/etc/hosts: written
@T@/etc/hosts: reloaded: echo hosts >>@T@/reloads
@T@/etc/ethers: written
@T@/etc/dhcpd.conf: written
@T@/etc/dhcpd.conf: reloaded: echo dhcpd >>@T@/reloads
@T@/etc/kea.conf: written
@T@/etc/kea.conf: reloaded: echo kea >>@T@/reloads
@T@/etc/local.zone: written
@T@/etc/local.zone: reloaded: echo dns >>@T@/reloads
@T@/etc/10.zone: written
@T@/etc/10.zone: reloaded: echo dns-reverse >>@T@/reloads
@T@/etc/pxe: 25 written, 0 removed
@T@/etc/pxe: reloaded: echo pxe >>@T@/reloads" ]
  d=$ROCKS_SRCDIR/t/expected/dbreport
  cmp "$d/hosts" "$E/hosts"
  cmp "$d/ethers" "$E/ethers"
  cmp "$d/dhcpd" "$E/dhcpd.conf"
  cmp "$d/kea" "$E/kea.conf"
  cmp "$d/dns" "$E/local.zone"
  cmp "$d/dns-reverse" "$E/10.zone"
  cmp "$d/pxe-install" "$E/pxe/pxelinux.cfg/01-52-54-00-00-00-12"
  cmp /usr/lib/PXELINUX/pxelinux.0 "$E/pxe/pxelinux.0"
  cmp /usr/lib/shim/shimx64.efi.signed "$E/pxe/shimx64.efi"
  cmp /usr/lib/grub/x86_64-efi-signed/grubnetx64.efi.signed "$E/pxe/grubx64.efi"
  cmp "$T/dist/images/pxeboot/initrd.img" "$E/pxe/images/pxeboot/initrd.img"
  [ "$(cat "$T/reloads")" = "hosts
dhcpd
kea
dns
dns-reverse
pxe" ]
  run dhcpd -t -cf "$E/dhcpd.conf"
  [ "$status" -eq 0 ]
  run kea-dhcp4 -t "$E/kea.conf"
  [ "$status" -eq 0 ]
  run named-checkzone local "$E/local.zone"
  [ "$status" -eq 0 ]
  run named-checkzone 10.in-addr.arpa "$E/10.zone"
  [ "$status" -eq 0 ]
}

@test "rocks sync config: a second run changes nothing and reloads nothing" {
  report_fixture
  rocks sync config
  ls -iR "$E" >"$T/inodes"
  SOURCE_DATE_EPOCH=1800000000 run --separate-stderr rocks -v sync config
  [ "$status" -eq 0 ]
  [ "$output" = "" ]
  [ "$(log_of "$stderr")" = "@T@/etc/hosts: unchanged
@T@/etc/ethers: unchanged
@T@/etc/dhcpd.conf: unchanged
@T@/etc/kea.conf: unchanged
@T@/etc/local.zone: unchanged
@T@/etc/10.zone: unchanged
@T@/etc/pxe: unchanged" ]
  [ "$(wc -l <"$T/reloads")" -eq 6 ]
  diff -u "$T/inodes" <(ls -iR "$E")
}

@test "rocks sync config: without -v it says nothing" {
  report_fixture
  run --separate-stderr rocks sync config
  [ "$status" -eq 0 ]
  [ "$output" = "" ]
  [ "$stderr" = "" ]
}

@test "rocks sync config: only the changed files are rewritten and reloaded" {
  report_fixture
  rocks sync config
  rm "$T/reloads"
  rocks set host compute-0-0 action=install
  rocks add alias compute-0-1 scratch
  run --separate-stderr rocks -v sync config
  [ "$status" -eq 0 ]
  [ "$(log_of "$stderr")" = "@T@/etc/hosts: written
@T@/etc/hosts: reloaded: echo hosts >>@T@/reloads
@T@/etc/ethers: unchanged
@T@/etc/dhcpd.conf: unchanged
@T@/etc/kea.conf: unchanged
@T@/etc/local.zone: written
@T@/etc/local.zone: reloaded: echo dns >>@T@/reloads
@T@/etc/10.zone: unchanged
@T@/etc/pxe: 3 written, 0 removed
@T@/etc/pxe: reloaded: echo pxe >>@T@/reloads" ]
  [ "$(cat "$T/reloads")" = "hosts
dns
pxe" ]
  grep -q '2023111401	; serial' "$E/local.zone"
  grep -q 'scratch	IN	CNAME	compute-0-1' "$E/local.zone"
}

@test "rocks sync config --dry-run prints a unified diff and changes nothing" {
  report_fixture
  rocks sync config
  rm "$T/reloads"
  cp -a "$E" "$T/before"
  rocks add host compute-2-0 appliance=compute rack=2 rank=0 cpus=2 \
    mac=52:54:00:00:00:40 ip=10.255.255.240
  rocks remove host nas-0-0
  run --separate-stderr rocks --dry-run sync config
  [ "$status" -eq 0 ]
  [ "$stderr" = "" ]
  output=$(log_of "$output")
  golden sync-dry-run
  diff -r "$T/before" "$E"
  [ ! -e "$T/reloads" ]
  run --separate-stderr rocks -v -n sync config
  [ "$status" -eq 0 ]
  [ "$(log_of "$stderr")" = "@T@/etc/hosts: would be written
@T@/etc/ethers: would be written
@T@/etc/dhcpd.conf: would be written
@T@/etc/kea.conf: would be written
@T@/etc/local.zone: would be written
@T@/etc/10.zone: would be written
@T@/etc/pxe: would be written" ]
}

@test "rocks sync config --dry-run on a new cluster diffs against nothing" {
  report_fixture
  printf 'machines | %s |  |\n' "$E/machines" >"$T/sync.conf"
  run --separate-stderr rocks -n sync config
  [ "$status" -eq 0 ]
  [ "$(log_of "$output")" = "--- /dev/null
+++ @T@/etc/machines
@@ -0,0 +1,5 @@
+# Generated by dbreport machines from the cluster database: do not edit.
+compute-0-0
+compute-0-1
+compute-1-0
+compute-1-1" ]
  [ ! -e "$E/machines" ]
}

@test "rocks sync config: a failing check leaves the old file byte for byte; the others are written" {
  report_fixture
  rocks sync config
  cp "$E/dhcpd.conf" "$T/dhcpd.before"
  cp "$E/kea.conf" "$T/kea.before"
  rocks set attr Kickstart_PrivateGateway 10.1.1.256
  rocks add host compute-2-0 appliance=compute rack=2 rank=0 ip=10.255.255.240
  rm "$T/reloads"
  run --separate-stderr rocks sync config
  [ "$status" -eq 1 ]
  [ "$output" = "" ]
  cmp "$E/dhcpd.conf" "$T/dhcpd.before"
  cmp "$E/kea.conf" "$T/kea.before"
  grep -q compute-2-0 "$E/hosts"
  grep -q compute-2-0 "$E/local.zone"
  [ "$(cat "$T/reloads")" = "hosts
dns
dns-reverse" ]
  log=$(log_of "$stderr")
  # The checkers' own words, naming the real file, then one error line.
  [[ $log == *"  @T@/etc/dhcpd.conf line 16: 256 exceeds max (255) for precision."* ]]
  [[ $log == *"Error encountered:"*"10.1.1.256"* ]]
  [ "$(printf '%s\n' "$log" | grep -v '^  ')" = "@T@/etc/hosts: written
@T@/etc/hosts: reloaded: echo hosts >>@T@/reloads
@T@/etc/ethers: unchanged
@T@/etc/local.zone: written
@T@/etc/local.zone: reloaded: echo dns >>@T@/reloads
@T@/etc/10.zone: written
@T@/etc/10.zone: reloaded: echo dns-reverse >>@T@/reloads
@T@/etc/pxe: unchanged
rocks: @T@/etc/dhcpd.conf: validation failed: 'dhcpd -t -cf %f' exited with status 1; @T@/etc/kea.conf: validation failed: 'kea-dhcp4 -t %f' exited with status 1" ]
}

@test "rocks sync config: a failing named-checkzone leaves the old zone" {
  report_fixture
  printf 'dns | %s | named-checkzone example.org %%f |\n' "$E/local.zone" >"$T/sync.conf"
  printf 'old zone\n' >"$E/local.zone"
  run --separate-stderr rocks sync config
  [ "$status" -eq 1 ]
  [ "$(cat "$E/local.zone")" = "old zone" ]
  log=$(log_of "$stderr")
  [[ $log == *"  zone example.org/IN: has 0 SOA records"* ]]
  [ "$(printf '%s\n' "$log" | tail -n 1)" = "rocks: @T@/etc/local.zone: validation failed: 'named-checkzone example.org %f' exited with status 1" ]
  ls -A "$E" >"$T/left"
  [ "$(cat "$T/left")" = "local.zone
pxe" ]
}

@test "rocks sync config: dns * writes every zone DNS serves, named lists them all" {
  report_fixture
  rocks add network bmc address=172.17.0.0/24 zone=bmc.local
  rocks add host interface compute-0-0 device=bmc ip=172.17.0.10 name=compute-0-0-bmc
  mkdir "$E/named"
  cat >"$T/sync.conf" <<EOF
named         | $E/named.rocks.conf | named-checkconf %f    | echo reconfig >>$T/reloads
dns *         | $E/named/%z.zone    | named-checkzone %z %f | echo reload %z >>$T/reloads
dns-reverse * | $E/named/%z.zone    | named-checkzone %z %f | echo reload %z >>$T/reloads
EOF
  run --separate-stderr rocks sync config
  [ "$status" -eq 0 ]
  [ "$stderr" = "" ]
  run ls "$E/named"
  [ "$output" = "0.17.172.in-addr.arpa.zone
10.in-addr.arpa.zone
16.172.in-addr.arpa.zone
bmc.local.zone
ib.local.zone
local.zone" ]
  run cat "$T/reloads"
  [ "$output" = "reconfig
reload bmc.local
reload ib.local
reload local
reload 0.17.172.in-addr.arpa
reload 16.172.in-addr.arpa
reload 10.in-addr.arpa" ]
  # named loads exactly these: every zone statement has its file.
  (cd "$E/named" && named-checkconf -z "$E/named.rocks.conf")
  run grep -c '^zone' "$E/named.rocks.conf"
  [ "$output" = 6 ]
}

@test "rocks sync config: dns * without %z in OUTPUT is an error" {
  rocks_fixture
  printf 'dns * | %s | |\n' "$E/zone" >"$T/sync.conf"
  run --separate-stderr rocks sync config
  [ "$status" -eq 1 ]
  [ "$stderr" = "rocks: $T/sync.conf:1: dns *: OUTPUT must name each zone's file with %z" ]
  [ ! -e "$E/zone" ]
}

@test "rocks sync config: a failing reload is an error; the file is written" {
  report_fixture
  printf 'machines | %s |  | echo cannot reload; exit 3\n' "$E/machines" >"$T/sync.conf"
  run --separate-stderr rocks sync config
  [ "$status" -eq 1 ]
  [ "$(log_of "$stderr")" = "@T@/etc/machines: written
  cannot reload
rocks: @T@/etc/machines: reload failed: 'echo cannot reload; exit 3' exited with status 3" ]
  cmp "$ROCKS_SRCDIR/t/expected/dbreport/machines" "$E/machines"
}

@test "rocks sync config: a report that fails is named with its file" {
  report_fixture
  printf 'dns nosuch | %s |  |\nmachines | %s | |\n' "$E/zone" "$E/machines" >"$T/sync.conf"
  run --separate-stderr rocks -v sync config
  [ "$status" -eq 1 ]
  [ "$(log_of "$stderr")" = "@T@/etc/machines: written
rocks: @T@/etc/zone: nosuch: unknown network" ]
  [ ! -e "$E/zone" ]
}

@test "rocks sync config: a missing sync.conf" {
  report_fixture
  rm "$T/sync.conf"
  run --separate-stderr rocks sync config
  [ "$status" -eq 1 ]
  [ "$stderr" = "rocks: $T/sync.conf: No such file or directory" ]
}

# Runs a sync with a one-line sync.conf and checks the error.
sync_conf_error() {
  printf '# comment\n\n%s\n' "$1" >"$T/sync.conf"
  fails_with "rocks: $T/sync.conf:3: $2" rocks sync config
}

@test "rocks sync config: a line without fields" {
  report_fixture
  sync_conf_error "hosts /etc/hosts" "expected 'REPORT | OUTPUT | VALIDATE | RELOAD'"
}

@test "rocks sync config: a line without a report" {
  report_fixture
  sync_conf_error " | $E/hosts" "missing report"
}

@test "rocks sync config: an unknown report" {
  report_fixture
  sync_conf_error "dhcp | $E/dhcpd.conf" "dhcp: unknown report (did you mean 'dhcpd'?)"
}

@test "rocks sync config: a report with an argument it does not take" {
  report_fixture
  sync_conf_error "hosts all | $E/hosts" "hosts: unexpected argument 'all'"
}

@test "rocks sync config: a missing OUTPUT" {
  report_fixture
  sync_conf_error "hosts |  | |" "missing OUTPUT"
}

@test "rocks sync config: a relative OUTPUT" {
  report_fixture
  sync_conf_error "hosts | etc/hosts" "etc/hosts: OUTPUT must be an absolute path"
}

@test "rocks sync config: pxe takes no VALIDATE" {
  report_fixture
  sync_conf_error "pxe | $E/pxe | true" "pxe writes a directory: VALIDATE must be empty"
}

@test "rocks sync config: an unknown escape in VALIDATE" {
  report_fixture
  sync_conf_error "dhcpd | $E/d | dhcpd -t -cf %x" \
    "'dhcpd -t -cf %x': unknown escape '%x' (expected %f or %%)"
}

@test "rocks sync config: the same OUTPUT twice" {
  report_fixture
  printf 'hosts | %s\nethers | %s\n' "$E/x" "$E/x" >"$T/sync.conf"
  run --separate-stderr rocks sync config
  [ "$status" -eq 1 ]
  [ "$stderr" = "rocks: $T/sync.conf:2: $E/x: already written by $T/sync.conf:1" ]
  [ ! -e "$E/x" ]
}

@test "rocks sync config: %% and a pipe in RELOAD" {
  report_fixture
  printf 'machines | %s | test -s %%f && echo 100%%%% >%s | false || echo ok >%s\n' \
    "$E/machines" "$T/validated" "$T/reloaded" >"$T/sync.conf"
  run --separate-stderr rocks sync config
  [ "$status" -eq 0 ]
  [ "$(cat "$T/validated")" = "100%" ]
  [ "$(cat "$T/reloaded")" = "ok" ]
}

@test "rocks sync config: a second sync waits for the first (a lock on sync.conf)" {
  command -v flock >/dev/null || skip "flock is not installed"
  report_fixture
  printf 'machines | %s |  |\n' "$E/machines" >"$T/sync.conf"
  mkfifo "$T/go"
  flock "$T/sync.conf" sh -c "echo locked >\"$T/go\"; sleep 1; echo first >>\"$T/order\"" &
  holder=$!
  read -r _ <"$T/go"
  rocks sync config
  echo second >>"$T/order"
  wait "$holder"
  [ "$(cat "$T/order")" = "first
second" ]
}

@test "rocks sync config: a crash mid-write never leaves a half-written file" {
  command -v strace >/dev/null || skip "strace is not installed"
  report_fixture
  printf 'hosts | %s |  |\n' "$E/hosts" >"$T/sync.conf"
  rocks sync config
  cp "$E/hosts" "$T/hosts.old"
  big_cluster_sql 5000 | rocks_sql_stdin
  # SIGKILL at the first write of the large new file, and at its rename.
  run strace -f -o /dev/null -e trace=write -e inject=write:signal=KILL:when=1 \
    rocks sync config
  [ "$status" -eq 137 ]
  cmp "$E/hosts" "$T/hosts.old"
  run strace -f -o /dev/null -e trace=rename,renameat,renameat2 \
    -e inject=rename,renameat,renameat2:signal=KILL rocks sync config
  [ "$status" -eq 137 ]
  cmp "$E/hosts" "$T/hosts.old"
  # kill -9 at whatever point it has reached: old or whole new, nothing else.
  dbreport hosts >"$T/hosts.new"
  for delay in 0 0.005 0.01 0.02 0.04 0.08; do
    cp "$T/hosts.old" "$E/hosts"
    rocks sync config &
    pid=$!
    sleep "$delay"
    kill -9 "$pid" 2>/dev/null || true
    status=0
    wait "$pid" || status=$?
    # Killed, or done before the signal came.
    [ "$status" -eq 137 ] || [ "$status" -eq 0 ]
    cmp -s "$E/hosts" "$T/hosts.old" || cmp "$E/hosts" "$T/hosts.new"
  done
  rocks sync config
  cmp "$E/hosts" "$T/hosts.new"
}

# Two network namespaces joined by a veth pair: the server side, named
# eth0 like the frontend's private interface, has the cluster's private
# address (inside the namespace only); the client side has compute-0-0's
# MAC. Skips the test where namespaces cannot be made.
netns_pair() {
  [ "$(id -u)" -eq 0 ] || skip "network namespaces need root"
  command -v udhcpc >/dev/null || skip "udhcpc is not installed"
  NS_SERVER=rocks-s$$
  ip netns add "$NS_SERVER" 2>/dev/null || {
    NS_SERVER=
    skip "ip netns add is not permitted here"
  }
  NS_CLIENT=rocks-c$$
  ip netns add "$NS_CLIENT"
  ip link add vs$$ netns "$NS_SERVER" type veth peer name vc$$ netns "$NS_CLIENT"
  ip -n "$NS_SERVER" link set vs$$ name eth0
  ip -n "$NS_SERVER" addr add 10.1.1.1/8 dev eth0
  ip -n "$NS_SERVER" link set eth0 up
  ip -n "$NS_CLIENT" link set vc$$ address 52:54:00:00:00:10
  ip -n "$NS_CLIENT" link set vc$$ up
  cat >"$T/udhcpc.script" <<EOF
#!/bin/sh
[ "\$1" = bound ] && echo "\$ip \$siaddr \$hostname \$domain \$router \$boot_file" >"$T/lease"
exit 0
EOF
  chmod +x "$T/udhcpc.script"
}

# Asks for an address from the client namespace (extra udhcpc options in $@).
dhcp_client() {
  rm -f "$T/lease"
  run ip netns exec "$NS_CLIENT" udhcpc -i vc$$ -n -q -f -t 10 -T 1 "$@" \
    -s "$T/udhcpc.script"
}

# The boot file the server gives each client class: PXE BIOS (option
# 93 = 0), UEFI x86-64 (7), and iPXE (user class "iPXE").
check_boot_files() {
  local class
  for class in 0x5d:0000=pxelinux.0 0x5d:0007=shimx64.efi \
    0x4d:69505845=ipxe/boot.ipxe; do
    dhcp_client -x "${class%%=*}"
    [ "$status" -eq 0 ]
    [ "$(cat "$T/lease")" = "10.255.255.254 10.1.1.1 compute-0-0.local local 10.1.1.1 ${class#*=}" ]
  done
}

@test "a real dhcpd serving the synced dhcpd.conf gives a real client its fixed address" {
  report_fixture
  printf 'dhcpd | %s | dhcpd -t -cf %%f |\n' "$E/dhcpd.conf" >"$T/sync.conf"
  rocks sync config
  netns_pair
  touch "$T/dhcpd.leases"
  ip netns exec "$NS_SERVER" dhcpd -4 -f -cf "$E/dhcpd.conf" -lf "$T/dhcpd.leases" \
    -pf "$T/dhcpd.pid" eth0 >"$T/dhcpd.log" 2>&1 &
  DHCPD_PID=$!
  dhcp_client
  [ "$status" -eq 0 ] || { cat "$T/dhcpd.log"; false; }
  [ "$(cat "$T/lease")" = "10.255.255.254 10.1.1.1 compute-0-0.local local 10.1.1.1 http://10.1.1.1/install/sbin/kickstart.cgi" ]
  check_boot_files
}

@test "a real kea-dhcp4 serving the synced Kea configuration gives a real client its reservation" {
  report_fixture
  rocks set attr Kea_LeaseFile "$T/kea-leases4.csv"
  rocks set attr Kea_LogFile "$T/kea-dhcp4.log"
  printf 'kea | %s | kea-dhcp4 -t %%f |\n' "$E/kea.conf" >"$T/sync.conf"
  rocks sync config
  netns_pair
  ip netns exec "$NS_SERVER" kea-dhcp4 -c "$E/kea.conf" >"$T/kea.log" 2>&1 &
  KEA_PID=$!
  dhcp_client
  [ "$status" -eq 0 ] || { cat "$T/kea.log"; false; }
  [ "$(cat "$T/lease")" = "10.255.255.254 10.1.1.1 compute-0-0.local local 10.1.1.1 http://10.1.1.1/install/sbin/kickstart.cgi" ]
  check_boot_files
}

@test "the shipped sync.conf parses, and its checkers accept what it would write" {
  report_fixture
  # The same file with every path moved under the test directory.
  sed -e "s#| /#| $T/#" "$ROCKS_SRCDIR/share/sync.conf" >"$T/sync.conf"
  awk -F'|' '/^[a-z]/ { gsub(/ /, "", $2); print $2 }' "$T/sync.conf" >"$T/outputs"
  while read -r out; do
    case $out in
      */tftpboot) mkdir -p "$out" ;;
      *) mkdir -p "${out%/*}" ;;
    esac
  done <"$T/outputs"
  run --separate-stderr rocks -v --dry-run sync config
  [ "$status" -eq 0 ]
  [ "$(log_of "$stderr")" = "@T@/etc/hosts: would be written
@T@/etc/ethers: would be written
@T@/etc/dhcp/dhcpd.conf: would be written
@T@/etc/named.rocks.conf: would be written
@T@/var/named/ib.local.zone: would be written
@T@/var/named/local.zone: would be written
@T@/var/named/16.172.in-addr.arpa.zone: would be written
@T@/var/named/10.in-addr.arpa.zone: would be written
@T@/var/lib/tftpboot: would be written
@T@/etc/rocks/machines: would be written
@T@/etc/genders: would be written
@T@/etc/clustershell/groups.d/rocks.yaml: would be written" ]
}

@test "rocks sync config: a missing boot loader names its packages and writes no boot file" {
  report_fixture
  # A root holding every loader but shim.
  S=$T/sysroot
  for f in /usr/lib/PXELINUX/pxelinux.0 /usr/lib/syslinux/modules/bios/ldlinux.c32 \
    /usr/lib/grub/x86_64-efi-signed/grubnetx64.efi.signed; do
    mkdir -p "$S$(dirname "$f")"
    cp "$f" "$S$f"
  done
  printf 'boot_sysroot = %s\n' "$S" >>"$ROCKS_CONF"
  run --separate-stderr rocks sync config
  [ "$status" -eq 1 ]
  [ "$output" = "" ]
  # The log of what was synced, then the one error.
  [ "$(log_of "$stderr" | grep -c ': written$')" = 6 ]
  [ "$(log_of "$stderr" | tail -n 1)" = "rocks: @T@/etc/pxe: shimx64.efi: boot loader not found (looked for @T@/sysroot/boot/efi/EFI/rocky/shimx64.efi, @T@/sysroot/boot/efi/EFI/redhat/shimx64.efi, @T@/sysroot/boot/efi/EFI/almalinux/shimx64.efi, @T@/sysroot/usr/lib/shim/shimx64.efi.signed): install shim-x64 (EL) or shim-signed (Debian)" ]
  [ "$(ls -A "$E/pxe")" = "" ]
  # The other files are still synced.
  cmp "$ROCKS_SRCDIR/t/expected/dbreport/hosts" "$E/hosts"
}

@test "rocks sync config: a distribution without the installer writes no boot file" {
  report_fixture
  rm "$T/dist/images/pxeboot/vmlinuz"
  run --separate-stderr rocks sync config
  [ "$status" -eq 1 ]
  [ "$output" = "" ]
  [ "$(log_of "$stderr" | grep -c '^rocks: ')" = 1 ]
  [ "$(log_of "$stderr" | tail -n 1)" = "rocks: @T@/etc/pxe: @T@/dist/images/pxeboot/vmlinuz: installer kernel not in the distribution (rocks-dist dist takes images/ from the OS release tree)" ]
  [ "$(ls -A "$E/pxe")" = "" ]
}

@test "rocks sync config: a new installer in the distribution is copied, once" {
  report_fixture
  rocks sync config
  echo kernel-2 >"$T/dist/images/pxeboot/vmlinuz"
  touch -d '2030-01-01' "$T/dist/images/pxeboot/vmlinuz"
  run --separate-stderr rocks -v sync config
  [ "$status" -eq 0 ]
  [[ "$(log_of "$stderr")" == *"@T@/etc/pxe: 1 written, 0 removed"* ]]
  [ "$(cat "$E/pxe/images/pxeboot/vmlinuz")" = kernel-2 ]
  run --separate-stderr rocks -v sync config
  [[ "$(log_of "$stderr")" == *"@T@/etc/pxe: unchanged"* ]]
}
