#!/usr/bin/env bats
# dbreport: every report against a fixture cluster with several subnets,
# appliances, aliases and hosts without a MAC; golden files under
# t/expected/dbreport/ (ROCKS_UPDATE_GOLDEN=1 rewrites them); every DHCP
# and zone file through the real checker.

load helper
load report-fixture
bats_require_minimum_version 1.5.0

setup() {
  rocks_setup
  export SOURCE_DATE_EPOCH=1700000000
  # Kea's lock and PID files go to the test directory, not /run/kea.
  export KEA_LOCKFILE_DIR=$T KEA_PIDFILE_DIR=$T
  printf 'hosts_local = %s\ndns_local_dir = %s\n' "$T/hosts.local" "$T/named" \
    >>"$ROCKS_CONF"
}

teardown() { rocks_teardown; }

# kea-dhcp4 -t FILE where the interfaces DEV... exist: it checks that
# those it listens on do (in a network namespace of its own).
kea_check() {
  local file=$1 i=0 links=
  shift
  for d in "$@"; do
    links+="ip link add $d type veth peer name rkp$i && "
    i=$((i + 1))
  done
  unshare -n sh -c "$links kea-dhcp4 -t '$file'"
}

@test "dbreport without a report lists the reports" {
  run --separate-stderr dbreport
  [ "$status" -eq 0 ]
  [ "$stderr" = "" ]
  golden list
}

@test "dbreport hosts: interfaces, short aliases, aliases, hosts.local" {
  report_fixture
  check_report hosts hosts
}

@test "dbreport ethers" {
  report_fixture
  check_report ethers ethers
}

@test "dbreport dhcpd passes dhcpd -t" {
  report_fixture
  check_report dhcpd dhcpd
  dbreport dhcpd >"$T/dhcpd.conf"
  run dhcpd -t -cf "$T/dhcpd.conf"
  [ "$status" -eq 0 ]
}

@test "dbreport kea passes kea-dhcp4 -t" {
  report_fixture
  check_report kea kea
  dbreport kea >"$T/kea.conf"
  run kea_check "$T/kea.conf" eth0
  [ "$status" -eq 0 ]
}

@test "dbreport kea: control characters, quotes and backslashes are escaped; the file stays valid" {
  sqlite_only "edits the SQLite file directly"
  report_fixture
  rocks set attr Kea_LogFile x
  sqlite3 "${ROCKS_DB#sqlite:}" "UPDATE attributes SET value = '/var/log/kea/a' || char(9) ||
    'b' || char(10) || 'c' || char(1) || '\"d\\e.log' WHERE name = 'Kea_LogFile'"
  dbreport kea >"$T/kea.conf"
  run python3 -c 'import json, sys
d = json.loads("".join(l for l in open(sys.argv[1]) if not l.startswith("//")))["Dhcp4"]
print(repr(d["loggers"][0]["output_options"][0]["output"]))' "$T/kea.conf"
  [ "$status" -eq 0 ]
  [ "$output" = "'/var/log/kea/a\\tb\\nc\\x01\"d\\\\e.log'" ]
  run grep -c 'a\\tb\\nc\\u0001\\"d\\\\e.log' "$T/kea.conf"
  [ "$output" = 2 ]
}

@test "dbreport kea: a value that is not UTF-8 is refused, by its place in the file" {
  sqlite_only "edits the SQLite file directly"
  report_fixture
  rocks set attr Kea_LogFile x
  sqlite3 "${ROCKS_DB#sqlite:}" \
    "UPDATE attributes SET value = CAST(X'2f7661722f6c6f672f6be92e6c6f67' AS TEXT) WHERE name = 'Kea_LogFile'"
  run --separate-stderr dbreport kea
  [ "$status" -eq 1 ]
  [ "$output" = "" ]
  [ "$stderr" = 'dbreport: kea: Dhcp4.loggers[0].output_options[0].output "/var/log/k\ufffd.log": invalid UTF-8 byte at index 11: 0x2E' ]
}

@test "dbreport dns: the private zone passes named-checkzone" {
  report_fixture
  check_report dns dns
  dbreport dns >"$T/zone"
  run named-checkzone local "$T/zone"
  [ "$status" -eq 0 ]
  [ "$output" = "zone local/IN: loaded serial 2023111400
OK" ]
}

@test "dbreport dns SUBNET: the zones of the other subnets pass named-checkzone" {
  report_fixture
  check_report dns-ib dns ib
  dbreport dns ib >"$T/ib"
  run named-checkzone ib.local "$T/ib"
  [ "$status" -eq 0 ]
  check_report dns-public dns public
  dbreport dns public >"$T/public"
  run named-checkzone example.org "$T/public"
  [ "$status" -eq 0 ]
}

@test "dbreport dns-reverse: the reverse zones pass named-checkzone" {
  report_fixture
  check_report dns-reverse dns-reverse
  dbreport dns-reverse >"$T/rev"
  run named-checkzone 10.in-addr.arpa "$T/rev"
  [ "$status" -eq 0 ]
  check_report dns-reverse-ib dns-reverse ib
  dbreport dns-reverse ib >"$T/rev-ib"
  run named-checkzone 16.172.in-addr.arpa "$T/rev-ib"
  [ "$status" -eq 0 ]
  check_report dns-reverse-public dns-reverse public
  dbreport dns-reverse public >"$T/rev-pub"
  run named-checkzone 1.168.192.in-addr.arpa "$T/rev-pub"
  [ "$status" -eq 0 ]
}

@test "dbreport dns: on a subnet without the frontend, the NS is its private name" {
  report_fixture
  rocks add network bmc address=172.17.0.0/24 zone=bmc.local
  rocks add host interface compute-0-0 device=bmc ip=172.17.0.10 name=compute-0-0-bmc
  check_report dns-bmc dns bmc
  dbreport dns bmc >"$T/bmc"
  run named-checkzone bmc.local "$T/bmc"
  [ "$status" -eq 0 ]
  check_report dns-reverse-bmc dns-reverse bmc
  dbreport dns-reverse bmc >"$T/rev-bmc"
  run named-checkzone 0.17.172.in-addr.arpa "$T/rev-bmc"
  [ "$status" -eq 0 ]
}

@test "dbreport named: every zone DNS serves, and named-checkconf takes it" {
  report_fixture
  rocks add network bmc address=172.17.0.0/24 zone=bmc.local
  rocks add network storage address=172.18.0.0/16 dns=no
  check_report named named
  dbreport named >"$T/named.conf"
  run named-checkconf "$T/named.conf"
  [ "$status" -eq 0 ]
}

@test "dbreport dhcpd and kea: a subnet for every network DHCP serves, with its gateway and MTU" {
  report_fixture
  rocks add network bmc address=172.17.0.0/24 zone=bmc.local dhcp=yes gateway=172.17.0.254
  rocks add host interface compute-0-0 device=bmc ip=172.17.0.10 mac=52:54:00:00:0b:10 \
    name=compute-0-0-bmc
  rocks add host interface frontend device=bmc0 ip=172.17.0.1
  dbreport dhcpd >"$T/dhcpd.conf"
  run dhcpd -t -cf "$T/dhcpd.conf"
  [ "$status" -eq 0 ]
  run grep -A6 '^subnet 172.17.0.0' "$T/dhcpd.conf"
  [ "$output" = "subnet 172.17.0.0 netmask 255.255.255.0 {
	option subnet-mask 255.255.255.0;
	option broadcast-address 172.17.0.255;
	option domain-name \"bmc.local\";
	option routers 172.17.0.254;
}" ]
  run grep -A4 '^host compute-0-0-bmc.bmc.local' "$T/dhcpd.conf"
  [ "$output" = "host compute-0-0-bmc.bmc.local {
	hardware ethernet 52:54:00:00:0b:10;
	option host-name \"compute-0-0-bmc.bmc.local\";
	fixed-address 172.17.0.10;
}" ]
  dbreport kea >"$T/kea.conf"
  run kea_check "$T/kea.conf" eth0 bmc0
  [ "$status" -eq 0 ]
  run python3 -c 'import json, sys
d = json.loads("".join(l for l in open(sys.argv[1]) if not l.startswith("//")))["Dhcp4"]
print(d["interfaces-config"]["interfaces"])
for s in d["subnet4"]: print(s["id"], s["subnet"], [r["hw-address"] for r in s["reservations"]])' "$T/kea.conf"
  [ "$output" = "['eth0', 'bmc0']
1 10.0.0.0/8 ['52:54:00:00:00:01', '52:54:00:00:00:10', '52:54:00:00:00:11', '52:54:00:00:00:12', '52:54:00:00:00:20', '52:54:00:00:00:30']
2 172.17.0.0/24 ['52:54:00:00:0b:10']" ]
}

@test "dbreport machines: compute hosts by rack and rank" {
  report_fixture
  check_report machines machines
}

@test "dbreport slurm-nodes" {
  report_fixture
  check_report slurm-nodes slurm-nodes
}

@test "dbreport slurm-conf: the fixture's compute hosts, one partition" {
  report_fixture
  check_report slurm-conf-fixture slurm-conf
}

@test "dbreport pbs-nodes" {
  report_fixture
  check_report pbs-nodes pbs-nodes
}

@test "dbreport genders: nodeattr resolves each group to its hosts" {
  report_fixture
  check_report genders genders
  dbreport genders >"$T/genders"
  run nodeattr -f "$T/genders" -k
  [ "$status" -eq 0 ]
  [ "$(nodeattr -f "$T/genders" -s compute)" = "$(dbreport machines | grep -v '^#' | sort | tr '\n' ' ' | sed 's/ $//')" ]
  [ "$(nodeattr -f "$T/genders" -n all | wc -l)" = "$(rocks list host --format=tsv | wc -l)" ]
  [ "$(nodeattr -f "$T/genders" -s rack1)" = "$(rocks list host --format=tsv rack:1 | cut -f1 | sort | tr '\n' ' ' | sed 's/ $//')" ]
  [ "$(nodeattr -f "$T/genders" -l compute-0-0)" = "all
compute
rack0" ]
}

@test "dbreport clustershell: cluset resolves each group to its hosts" {
  report_fixture
  check_report clustershell clustershell
  mkdir -p "$T/cs/groups.d"
  dbreport clustershell >"$T/cs/groups.d/rocks.yaml"
  printf '[Main]\ndefault: rocks\nconfdir: %s\nautodir: %s\n' "$T/cs" "$T/cs/groups.d" \
    >"$T/cs/groups.conf"
  export CLUSTERSHELL_CFGDIR=$T/cs
  run --separate-stderr nodeset -e @compute
  [ "$status" -eq 0 ]
  [ "$stderr" = "" ]
  [ "$output" = "$(rocks list host --format=tsv appliance:compute | cut -f1 | sort -V | tr '\n' ' ' | sed 's/ $//')" ]
  [ "$(nodeset -c @all)" = "$(rocks list host --format=tsv | wc -l)" ]
  [ "$(cluset -e @rack1)" = "$(rocks list host --format=tsv rack:1 | cut -f1 | sort -V | tr '\n' ' ' | sed 's/ $//')" ]
  [ "$(nodeset -e @rocks:frontend)" = frontend ]
}

@test "dbreport resolv" {
  report_fixture
  check_report resolv resolv
}

@test "dbreport pxe DIR writes the pxelinux, GRUB and iPXE files of every MAC and the defaults" {
  report_fixture
  mkdir "$T/pxe"
  run --separate-stderr dbreport -v pxe "$T/pxe"
  [ "$status" -eq 0 ]
  [ "$output" = "" ]
  [ "$stderr" = "dbreport: $T/pxe/grub/grub.cfg: written
dbreport: $T/pxe/grub/grub.cfg-01-52-54-00-00-00-10: written
dbreport: $T/pxe/grub/grub.cfg-01-52-54-00-00-00-11: written
dbreport: $T/pxe/grub/grub.cfg-01-52-54-00-00-00-12: written
dbreport: $T/pxe/grub/grub.cfg-01-52-54-00-00-00-20: written
dbreport: $T/pxe/grub/grub.cfg-01-52-54-00-00-00-30: written
dbreport: $T/pxe/ipxe/01-52-54-00-00-00-10.ipxe: written
dbreport: $T/pxe/ipxe/01-52-54-00-00-00-11.ipxe: written
dbreport: $T/pxe/ipxe/01-52-54-00-00-00-12.ipxe: written
dbreport: $T/pxe/ipxe/01-52-54-00-00-00-20.ipxe: written
dbreport: $T/pxe/ipxe/01-52-54-00-00-00-30.ipxe: written
dbreport: $T/pxe/ipxe/boot.ipxe: written
dbreport: $T/pxe/ipxe/default.ipxe: written
dbreport: $T/pxe/pxelinux.cfg/01-52-54-00-00-00-10: written
dbreport: $T/pxe/pxelinux.cfg/01-52-54-00-00-00-11: written
dbreport: $T/pxe/pxelinux.cfg/01-52-54-00-00-00-12: written
dbreport: $T/pxe/pxelinux.cfg/01-52-54-00-00-00-20: written
dbreport: $T/pxe/pxelinux.cfg/01-52-54-00-00-00-30: written
dbreport: $T/pxe/pxelinux.cfg/default: written" ]
  output=$(cat "$T/pxe/pxelinux.cfg/01-52-54-00-00-00-10")
  golden pxe-os
  output=$(cat "$T/pxe/pxelinux.cfg/01-52-54-00-00-00-12")
  golden pxe-install
  cmp "$T/pxe/pxelinux.cfg/default" "$T/pxe/pxelinux.cfg/01-52-54-00-00-00-12"
  output=$(cat "$T/pxe/grub/grub.cfg-01-52-54-00-00-00-10")
  golden grub-os
  output=$(cat "$T/pxe/grub/grub.cfg-01-52-54-00-00-00-12")
  golden grub-install
  output=$(cat "$T/pxe/grub/grub.cfg")
  golden grub-default
  output=$(cat "$T/pxe/ipxe/01-52-54-00-00-00-10.ipxe")
  golden ipxe-os
  output=$(cat "$T/pxe/ipxe/01-52-54-00-00-00-12.ipxe")
  golden ipxe-install
  cmp "$T/pxe/ipxe/default.ipxe" "$T/pxe/ipxe/01-52-54-00-00-00-12.ipxe"
  output=$(cat "$T/pxe/ipxe/boot.ipxe")
  golden ipxe-boot
}

@test "dbreport pxe DIR removes the files of hosts that are gone, keeps others" {
  report_fixture
  mkdir "$T/pxe"
  dbreport pxe "$T/pxe"
  touch "$T/pxe/pxelinux.cfg/site-menu" "$T/pxe/pxelinux.cfg/01-52-54-00-00-00-99"
  ino=$(stat -c %i "$T/pxe/pxelinux.cfg/01-52-54-00-00-00-10")
  rocks remove host login-0-0
  run --separate-stderr dbreport --verbose pxe "$T/pxe"
  [ "$status" -eq 0 ]
  [ "$stderr" = "dbreport: $T/pxe/grub/grub.cfg-01-52-54-00-00-00-20: removed
dbreport: $T/pxe/ipxe/01-52-54-00-00-00-20.ipxe: removed
dbreport: $T/pxe/pxelinux.cfg/01-52-54-00-00-00-20: removed
dbreport: $T/pxe/pxelinux.cfg/01-52-54-00-00-00-99: removed" ]
  [ -e "$T/pxe/pxelinux.cfg/site-menu" ]
  # Unchanged files are not rewritten.
  [ "$(stat -c %i "$T/pxe/pxelinux.cfg/01-52-54-00-00-00-10")" = "$ino" ]
  run ls "$T/pxe/pxelinux.cfg"
  [ "$output" = "01-52-54-00-00-00-10
01-52-54-00-00-00-11
01-52-54-00-00-00-12
01-52-54-00-00-00-30
default
site-menu" ]
}

@test "dbreport pxe DIR removes what a killed writer left" {
  report_fixture
  mkdir -p "$T/pxe/pxelinux.cfg" "$T/pxe/grub"
  touch "$T/pxe/pxelinux.cfg/.01-52-54-00-00-00-10.aB3dE9" "$T/pxe/grub/.grub.cfg.Zz0099"
  run --separate-stderr dbreport pxe "$T/pxe"
  [ "$status" -eq 0 ]
  [ "$stderr" = "" ]
  [ "$(find "$T/pxe" -name '.*' ! -name .rocks-boot.lock)" = "" ]
}

@test "dbreport pxe killed mid-write, again and again: the next run leaves no temporary file" {
  report_fixture
  big_cluster_sql 200 | rocks_sql_stdin
  mkdir "$T/pxe" "$T/ref"
  temps() { find "$T/pxe" -name '.*' ! -name .rocks-boot.lock | wc -l; }
  files() { find "$T/pxe" -type f ! -name .rocks-boot.lock | wc -l; }
  killed=0
  for i in 1 2 3 4 5 6; do
    # The written files go, what killed runs left stays for the next.
    find "$T/pxe" -type f ! -name '.*' -delete
    left=$(files)
    dbreport pxe "$T/pxe" &
    pid=$!
    # Killed once it has written a few files, at a different count each time.
    for _ in $(seq 400); do
      [ "$(files)" -ge $((left + i * 3)) ] && break
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.01
    done
    kill -9 "$pid" 2>/dev/null || true
    status=0
    wait "$pid" || status=$?
    [ "$status" -eq 137 ] || [ "$status" -eq 0 ]
    [ "$status" -eq 0 ] || killed=$((killed + 1))
  done
  [ "$killed" -ge 3 ]
  run --separate-stderr dbreport pxe "$T/pxe"
  [ "$status" -eq 0 ]
  [ "$stderr" = "" ]
  [ "$(temps)" -eq 0 ]
  # And the tree is whole: the same as one written from scratch.
  dbreport pxe "$T/ref"
  diff -r -x .rocks-boot.lock "$T/pxe" "$T/ref"
}

@test "dbreport --output writes the file, and leaves it alone when unchanged" {
  report_fixture
  run --separate-stderr dbreport -v --output="$T/hosts" hosts
  [ "$status" -eq 0 ]
  [ "$output" = "" ]
  [ "$stderr" = "dbreport: $T/hosts: written" ]
  output=$(cat "$T/hosts")
  golden hosts
  ino=$(stat -c %i "$T/hosts")
  run --separate-stderr dbreport -v -o "$T/hosts" hosts
  [ "$status" -eq 0 ]
  [ "$stderr" = "dbreport: $T/hosts: unchanged" ]
  [ "$(stat -c %i "$T/hosts")" = "$ino" ]
  run --separate-stderr dbreport -o "$T/hosts" hosts
  [ "$status" -eq 0 ]
  [ "$stderr" = "" ]
}

@test "dbreport --output keeps a zone's serial when nothing changed and raises it otherwise" {
  report_fixture
  dbreport --output="$T/zone" dns
  grep -q '2023111400	; serial' "$T/zone"
  cp "$T/zone" "$T/zone.before"
  SOURCE_DATE_EPOCH=1700100000 dbreport --output="$T/zone" dns
  cmp "$T/zone" "$T/zone.before"
  rocks add host compute-2-0 appliance=compute rack=2 rank=0 ip=10.255.255.240
  dbreport --output="$T/zone" dns
  grep -q '2023111401	; serial' "$T/zone"
  rocks add host compute-2-1 appliance=compute rack=2 rank=1 ip=10.255.255.239
  SOURCE_DATE_EPOCH=1700200000 dbreport --output="$T/zone" dns
  grep -q '2023111700	; serial' "$T/zone"
  run named-checkzone local "$T/zone"
  [ "$status" -eq 0 ]
}

@test "dbreport on an empty cluster: only the frontend" {
  rocks init --frontend=fe --private-mac=52:54:00:00:00:01
  check_report empty-hosts hosts
  check_report empty-machines machines
  dbreport dhcpd >"$T/dhcpd.conf"
  run dhcpd -t -cf "$T/dhcpd.conf"
  [ "$status" -eq 0 ]
}

@test "dbreport dhcpd: an attribute that would break out of its place is an error" {
  rocks_fixture
  rocks set attr Dhcp_BiosBootFile $'pxelinux.0";\n}\nhost evil {'
  fails_with "dbreport: Dhcp_BiosBootFile: a control character cannot be written to dhcpd.conf" dbreport dhcpd
  rocks set attr Dhcp_BiosBootFile pxelinux.0
  rocks set attr Kickstart_PrivateGateway '10.1.1.1; } host evil {'
  fails_with "dbreport: Kickstart_PrivateGateway=10.1.1.1; } host evil {: invalid IPv4 address 10.1.1.1;" dbreport dhcpd
}

@test "dbreport dhcpd: a device put in the database by other means is an error" {
  sqlite_only "edits the SQLite file directly"
  rocks_fixture
  sqlite3 "${ROCKS_DB#sqlite:}" \
    "UPDATE interfaces SET device = 'eth0;}host evil{' WHERE mac = '52:54:00:00:00:10'"
  fails_with "dbreport: compute-0-0: interface eth0;}host evil{: not valid in dhcpd.conf" dbreport dhcpd
}

@test "dbreport: an unknown report gets a suggestion" {
  fails_with "dbreport: hots: unknown report (did you mean 'hosts'?)" dbreport hots
}

@test "dbreport: an unknown report far from any name" {
  fails_with "dbreport: zzzzzzzz: unknown report" dbreport zzzzzzzz
}

@test "dbreport: a report that takes no argument" {
  fails_with "dbreport: hosts: unexpected argument 'extra'" dbreport hosts extra
}

@test "dbreport: dns takes one subnet" {
  fails_with "dbreport: dns: unexpected argument 'public'" dbreport dns private public
}

@test "dbreport: an unknown subnet" {
  report_fixture
  fails_with "dbreport: privat: unknown network (did you mean 'private'?)" dbreport dns privat
}

@test "dbreport: pxe needs DIR" {
  fails_with "dbreport: pxe: missing DIR" dbreport pxe
}

@test "dbreport: pxe takes no --output" {
  fails_with "dbreport: pxe: --output does not apply (the files go into DIR)" dbreport --output="$T/x" pxe "$T"
}

@test "dbreport: pxe into a missing directory" {
  report_fixture
  fails_with "dbreport: $T/nowhere: No such file or directory" dbreport pxe "$T/nowhere"
}

@test "dbreport: --output needs a report" {
  fails_with "dbreport: --output needs a REPORT" dbreport --output="$T/x"
}

@test "dbreport: --output into a missing directory changes nothing" {
  report_fixture
  fails_with "dbreport: $T/nowhere/hosts: No such file or directory" dbreport --output="$T/nowhere/hosts" hosts
}

@test "dbreport: a missing network attribute is named" {
  report_fixture
  rocks remove attr Kickstart_PrivateNetmask
  fails_with "dbreport: Kickstart_PrivateNetmask: global attribute not set (run 'rocks set attr Kickstart_PrivateNetmask VALUE')" dbreport dhcpd
}

@test "dbreport: a bad netmask attribute is named" {
  report_fixture
  rocks set attr Kickstart_PrivateNetmask 255.0.255.0
  fails_with "dbreport: Kickstart_PrivateNetmask=255.0.255.0: invalid netmask" dbreport kea
}

@test "dbreport: no cluster database" {
  sqlite_only "the message names the SQLite file"
  fails_with "dbreport: $ROCKS_DB: no cluster database here (run 'rocks init')" dbreport hosts
}

@test "dbreport: a bad SOURCE_DATE_EPOCH" {
  report_fixture
  SOURCE_DATE_EPOCH=soon run --separate-stderr dbreport dns
  [ "$status" -eq 1 ]
  [ "$stderr" = "dbreport: SOURCE_DATE_EPOCH=soon: invalid number (expected 0 or more)" ]
}

@test "dbreport: an unknown option" {
  run --separate-stderr dbreport --bogus hosts
  [ "$status" -eq 1 ]
  [ "$output" = "" ]
  [ "$stderr" = "dbreport: unrecognized option '--bogus'
Try 'dbreport --help' for more information." ]
}

@test "dbreport: a crash while writing never leaves a half-written file" {
  command -v strace >/dev/null || skip "strace is not installed"
  report_fixture
  dbreport --output="$T/hosts" hosts
  cp "$T/hosts" "$T/hosts.old"
  rocks add host compute-2-0 appliance=compute rack=2 rank=0 ip=10.255.255.240
  # SIGKILL at the first write of the new file, then at the rename: the
  # old file must be there, whole.
  run strace -f -o /dev/null -e trace=write -e inject=write:signal=KILL:when=1 \
    dbreport --output="$T/hosts" hosts
  [ "$status" -eq 137 ]
  cmp "$T/hosts" "$T/hosts.old"
  run strace -f -o /dev/null -e trace=rename,renameat,renameat2 \
    -e inject=rename,renameat,renameat2:signal=KILL dbreport --output="$T/hosts" hosts
  [ "$status" -eq 137 ]
  cmp "$T/hosts" "$T/hosts.old"
  dbreport --output="$T/hosts" hosts
  grep -q compute-2-0 "$T/hosts"
}

@test "dbreport --db names the database" {
  report_fixture
  db=$ROCKS_DB
  ROCKS_DB= run --separate-stderr dbreport --db="$db" machines
  [ "$status" -eq 0 ]
  [ "$stderr" = "" ]
  golden machines
}

@test "dbreport --db with a bad URL" {
  fails_with "dbreport: postgres://x: unknown database URL (expected sqlite:PATH or mysql://...)" dbreport --db=postgres://x machines
}
