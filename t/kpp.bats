#!/usr/bin/env bats
# kpp: the configuration graph walked and expanded, for an appliance
# without a database and for hosts of the cluster database (SQLite, and
# MariaDB under t/mariadb.test).

bats_require_minimum_version 1.5.0
load helper

load data/graph/injection

setup() {
  rocks_setup
  PROFILE=$(shipped_profile)
  EXPECTED=$ROCKS_SRCDIR/t/expected/kpp
}
teardown() { rocks_teardown; }


# A copy of the shipped profile tree to break or extend.
copy_profile() {
  cp -R "$PROFILE" "$T/p"
  P=$T/p
}

@test "--appliance expands the graph without any database" {
  run --separate-stderr kpp --profile="$PROFILE" --appliance=compute
  [ "$status" -eq 0 ]
  [ "$stderr" = "" ]
  golden_file "$EXPECTED/compute.xml"
  if [ "${ROCKS_TEST_ENGINE:-sqlite}" = sqlite ]; then
    [ ! -e "$T/cluster.db" ]
  fi
}

@test "--host takes its attributes and Node_ values from the database" {
  rocks_fixture
  before=$(db_dump)
  run --separate-stderr kpp --profile="$PROFILE" --host=compute-0-0
  [ "$status" -eq 0 ]
  [ "$stderr" = "" ]
  golden_file "$EXPECTED/compute-0-0.xml"
  [ "$(db_dump)" = "$before" ]
  run --separate-stderr kgen <<<"$output"
  [ "$status" -eq 0 ]
  golden_file "$EXPECTED/compute-0-0.ks"
}

@test "with the users key in the database a node pulls the accounts at install and on a timer" {
  rocks_fixture
  rocks set attr Users_Key ZGVtby11c2Vycy1rZXktZGVtby11c2Vycy1rZXktMzI=
  kpp --profile="$PROFILE" --host=compute-0-0 >"$T/c00.xml"
  run --separate-stderr kgen --postonly "$T/c00.xml"
  [ "$status" -eq 0 ]
  [ "$stderr" = "" ]
  # Only the users node's %post.
  output=$(printf '%s\n' "$output" | awk '/^%post/ { keep = 0 } /rocks: begin. .post users \(nodes\/users.xml\)/ { keep = 1; print prev } keep { print } { prev = $0 }')
  golden_file "$EXPECTED/compute-0-0-users.post"
  run grep -c '^rocks$' <(kgen --section=packages "$T/c00.xml")
  [ "$output" = 1 ]
  # Without the key (no frontend published yet) a node gets none of it.
  rocks remove attr Users_Key
  run grep -c 'rocks-pull-users' <(kpp --profile="$PROFILE" --host=compute-0-0 | kgen --postonly)
  [ "$output" = 0 ]
}

@test "attributes resolve host over appliance over global" {
  rocks_fixture
  rocks set attr Kickstart_NFSHome nas-0-0:/export/home --appliance=compute
  rocks set attr Kickstart_NFSHome nas-0-1:/export/home --host=compute-0-1
  rocks set attr Kickstart_PublicKey \
    'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDemoKeyDemoKeyDemoKeyDemoKeyDemoKeyDemoKey root@frontend'
  kpp --profile="$PROFILE" --host=compute-0-1 >"$T/c01.xml"
  run --separate-stderr kgen --postonly "$T/c01.xml"
  [ "$status" -eq 0 ]
  golden_file "$EXPECTED/compute-0-1.post"
  kpp --profile="$PROFILE" --host=compute-0-0 >"$T/c00.xml"
  run grep -x 'nas-0-0:/export/home.*' "$T/c00.xml"
  [ "$output" = "$(printf 'nas-0-0:/export/home\t/home\tnfs\tdefaults,_netdev\t0 0')" ]
}

@test "--attr overrides the database's attributes (not its interfaces)" {
  rocks_fixture
  run --separate-stderr kpp --profile="$PROFILE" --host=compute-0-0 \
    --attr=Kickstart_Timezone=Europe/Paris --attr=Node_Hostname=renamed
  [ "$status" -eq 0 ]
  [ "$output" = "$(sed -e 's|>UTC --utc<|>Europe/Paris --utc<|' \
    -e 's|compute-0-0.local compute-0-0|renamed.local renamed|' "$EXPECTED/compute-0-0.xml")" ]
}

@test "--output-dir writes HOST.xml for each host, only when it changed" {
  rocks_fixture
  mkdir "$T/out"
  run --separate-stderr kpp --profile="$PROFILE" -v --output-dir="$T/out" compute-0-0 nas-0-0
  [ "$status" -eq 0 ]
  [ "$output" = "" ]
  [ "$stderr" = "kpp: wrote $T/out/compute-0-0.xml
kpp: wrote $T/out/nas-0-0.xml" ]
  cmp "$T/out/compute-0-0.xml" "$EXPECTED/compute-0-0.xml"
  kpp --profile="$PROFILE" --host=nas-0-0 | cmp - "$T/out/nas-0-0.xml"
  # Host names may come one per line on standard input.
  run --separate-stderr kpp --profile="$PROFILE" -v -o "$T/out" <<<"compute-0-0
login-0-0"
  [ "$status" -eq 0 ]
  [ "$stderr" = "kpp: unchanged $T/out/compute-0-0.xml
kpp: wrote $T/out/login-0-0.xml" ]
  [ "$(ls "$T/out")" = "compute-0-0.xml
login-0-0.xml
nas-0-0.xml" ]
}

@test "--host finds the profile tree through rocks.conf" {
  rocks_fixture
  printf 'profile = %s\n' "$PROFILE" >>"$ROCKS_CONF"
  run --separate-stderr kpp --host=compute-0-0
  [ "$status" -eq 0 ]
  [ "$output" = "$(cat "$EXPECTED/compute-0-0.xml")" ]
}

@test "--output-dir with no host names on stdin is an error" {
  rocks_fixture
  fails_with "kpp: no host names on stdin" kpp --profile="$PROFILE" --output-dir="$T" </dev/null
}

@test "an unknown host is an error and writes nothing" {
  rocks_fixture
  mkdir "$T/out"
  fails_with "kpp: compute-9-9: unknown host (did you mean 'compute-0-0'?)" kpp \
    --profile="$PROFILE" --output-dir="$T/out" compute-0-0 compute-9-9
  [ "$(ls "$T/out")" = "" ]
  fails_with "kpp: compute-9-9: unknown host (did you mean 'compute-0-0'?)" kpp \
    --profile="$PROFILE" --host=compute-9-9
}

@test "a host whose appliance has no graph node is an error" {
  rocks_fixture
  rocks add host switch-0-0 appliance=network ip=10.255.255.100
  fails_with "kpp: switch-0-0: appliance network has no kickstart graph node" kpp \
    --profile="$PROFILE" --host=switch-0-0
}

@test "a host that fails leaves its old output file" {
  rocks_fixture
  mkdir "$T/out"
  kpp --profile="$PROFILE" --output-dir="$T/out" compute-0-0
  copy_profile
  sed -i 's|<package>hwloc</package>|<package>hwloc</packge>|' "$P/nodes/hpc.xml"
  fails_with "kpp: $P/nodes/hpc.xml:10: Opening and ending tag mismatch: package line 10 and packge" kpp \
    --profile="$P" --output-dir="$T/out" compute-0-0
  cmp "$T/out/compute-0-0.xml" "$EXPECTED/compute-0-0.xml"
}

@test "malformed XML names the file and line" {
  copy_profile
  sed -i 's|<package>hwloc</package>|<package>hwloc</packge>|' "$P/nodes/hpc.xml"
  fails_with "kpp: $P/nodes/hpc.xml:10: Opening and ending tag mismatch: package line 10 and packge" kpp \
    --profile="$P" --appliance=compute
}

@test "an entity declared in the document is an error, not dropped text" {
  copy_profile
  # "<!--" in the internal subset once hid &y; from kpp's own entities, and
  # libxml2's reference node was dropped: "a  b", exit 0.
  cat >"$P/nodes/compute.xml" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE kickstart [<!ENTITY x "<!--"><!ENTITY y "gone">]>
<kickstart>
  <post>a &y; b</post>
</kickstart>
EOF
  fails_with "kpp: $P/nodes/compute.xml:4: entity &y; is declared in the document, which is not supported" kpp \
    --profile="$P" --appliance=compute
  cat >"$P/nodes/compute.xml" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE kickstart [<!ENTITY x "<!--"><!ENTITY y "gone">]>
<kickstart>
  <package cond="&y;">a</package>
</kickstart>
EOF
  fails_with "kpp: $P/nodes/compute.xml:4: entity &y; is declared in the document, which is not supported" kpp \
    --profile="$P" --appliance=compute
}

@test "a libxml2 message quoting lines of the input is joined into one line" {
  copy_profile
  printf '<?xml version="1.0"?>\n<kickstart>\n<post><![CDATA[echo one\necho two\n' >"$P/nodes/compute.xml"
  fails_with "kpp: $P/nodes/compute.xml:5: CData section not finished echo one echo tw" kpp \
    --profile="$P" --appliance=compute
}

@test "a file name holding a newline is escaped in the one error line" {
  cp -R "$PROFILE" "$T/p
q"
  P="$T/p
q"
  sed -i 's|<package>hwloc</package>|<package>hwloc</packge>|' "$P/nodes/hpc.xml"
  fails_with "kpp: $T/p\\nq/nodes/hpc.xml:10: Opening and ending tag mismatch: package line 10 and packge" kpp \
    --profile="$P" --appliance=compute
}

@test "a missing node file names the edge that needs it" {
  copy_profile
  sed -i 's|to="hpc"|to="hpcx"|' "$P/default/hpc.xml"
  fails_with "kpp: $P/default/hpc.xml:7: edge to hpcx: no node file hpcx.xml in $P/nodes or $P/site-nodes" kpp \
    --profile="$P" --appliance=compute
}

@test "--allow-missing skips a missing node file" {
  copy_profile
  rm "$P/nodes/hpc.xml"
  run --separate-stderr kpp --profile="$P" --appliance=compute --allow-missing
  [ "$status" -eq 0 ]
  [ "$output" = "$(sed '/^<post node="hpc"/,/^  <\/post>$/d' "$EXPECTED/compute.xml" |
    grep -v -e 'node="hpc"' -e '<node name="hpc"')" ]
}

@test "an unknown root node is an error" {
  fails_with "kpp: bogus: no node file bogus.xml in $PROFILE/nodes or $PROFILE/site-nodes" kpp \
    --profile="$PROFILE" --appliance=bogus
}

@test "an unknown entity names the file and line and suggests a name" {
  copy_profile
  sed -i 's|&Kickstart_SNMPCommunity;|\&Kickstart_SNMPCommunty;|' "$P/nodes/snmp.xml"
  fails_with "kpp: $P/nodes/snmp.xml:11: unknown entity &Kickstart_SNMPCommunty; (did you mean &Kickstart_SNMPCommunity;?)" kpp \
    --profile="$P" --appliance=compute
}

@test "a bad cond expression names the file and line" {
  copy_profile
  sed -i 's|<post cond="Kickstart_NFSHome">|<post cond="Kickstart_NFSHome = 1">|' "$P/nodes/nfs-client.xml"
  fails_with "kpp: $P/nodes/nfs-client.xml:8: cond=\"Kickstart_NFSHome = 1\": column 19: unexpected character '='" kpp \
    --profile="$P" --appliance=compute
}

@test "the entity marker character in a node file is an error, not a hang" {
  copy_profile
  sed -i "s|<package>numactl</package>|<package>\xee\x80\x80numactl</package>|" "$P/nodes/hpc.xml"
  fails_with "kpp: $P/nodes/hpc.xml:9: character U+E000 is reserved" timeout 20 kpp --profile="$P" --appliance=compute
}

@test "a cond nested 100k deep is an error, not a crash" {
  copy_profile
  perl -pi -e 's|<post cond="Kickstart_NFSHome">|"<post cond=\"" . "(" x 100000 . "a" . ")" x 100000 . "\">"|e' \
    "$P/nodes/nfs-client.xml"
  run --separate-stderr kpp --profile="$P" --appliance=compute
  [ "$status" -eq 1 ]
  [ "$output" = "" ]
  start="kpp: $P/nodes/nfs-client.xml:8: cond=\"((("
  [ "${stderr:0:${#start}}" = "$start" ]
  [[ "$stderr" == *')))": column 101: nested deeper than 100 levels' ]]
  [ "$(wc -l <<<"$stderr")" -eq 1 ]
}

@test "an unknown tag names the file and line" {
  copy_profile
  sed -i 's|<package>numactl</package>|<pakage>numactl</pakage>|' "$P/nodes/hpc.xml"
  fails_with "kpp: $P/nodes/hpc.xml:9: unknown tag <pakage> (did you mean <package>?)" kpp \
    --profile="$P" --appliance=compute
}

@test "a cycle of orders is an error naming its nodes" {
  copy_profile
  sed -i 's|<order head="TAIL" tail="install-done"/>|&\n  <order head="compute" tail="client"/>|' \
    "$P/default/base.xml"
  fails_with "kpp: $P/default/base.xml:54: <order> cycle: client -> compute -> client" kpp \
    --profile="$P" --appliance=compute
}

@test "site-nodes: extend- is appended, replace- replaces" {
  copy_profile
  mkdir "$P/site-nodes"
  cat >"$P/site-nodes/extend-compute.xml" <<'XML'
<kickstart>
  <package>tmux</package>
  <post>echo &Node_Appliance; site</post>
</kickstart>
XML
  cat >"$P/site-nodes/replace-hpc.xml" <<'XML'
<kickstart>
  <package cond="Node_Appliance == 'compute'">openmpi</package>
</kickstart>
XML
  run --separate-stderr kpp --profile="$P" --appliance=compute
  [ "$status" -eq 0 ]
  [ "$stderr" = "" ]
  golden_file "$EXPECTED/compute-site.xml"
}

@test "<eval> runs only with --eval, with the attributes in its environment" {
  copy_profile
  cat >"$P/nodes/compute.xml" <<'XML'
<kickstart>
  <post><eval shell="sh">echo "cpus=$Node_CPUs on $Node_Appliance"</eval></post>
</kickstart>
XML
  fails_with "kpp: $P/nodes/compute.xml:2: <eval> is not run: evaluation is off (see --eval)" kpp \
    --profile="$P" --appliance=compute
  run --separate-stderr kpp --profile="$P" --appliance=compute --attr=Node_CPUs=8 --eval
  [ "$status" -eq 0 ]
  [ "$(grep '^<post node="compute"' <<<"$output")" = \
    '<post node="compute" file="nodes/compute.xml">cpus=8 on compute' ]
}

@test "--dot draws the whole graph, or what one appliance reaches" {
  run --separate-stderr kpp --profile="$PROFILE" --dot
  [ "$status" -eq 0 ]
  golden_file "$EXPECTED/default.dot"
  dot -Tsvg <<<"$output" >"$T/graph.svg"
  [ "$(head -c 5 "$T/graph.svg")" = "<?xml" ]
  run --separate-stderr kpp --profile="$PROFILE" --dot --appliance=nas
  [ "$status" -eq 0 ]
  golden_file "$EXPECTED/nas.dot"
}

@test "hostile values through the database stay data: no section, command or shell word opens" {
  rocks_fixture
  hostile_db
  kpp --profile="$PROFILE" --host=compute-0-0 >"$T/hostile.xml"
  run --separate-stderr kgen "$T/hostile.xml"
  [ "$status" -eq 0 ]
  [ "$stderr" = "" ]
  printf '%s\n' "$output" >"$T/hostile.ks"
  check_kickstart "$T/hostile.ks"
}

@test "--attr refuses a value that is not text, naming the attribute" {
  fails_with "kpp: --attr: Info_ClusterName: value has the control character U+0007 (byte 2)" kpp \
    --profile="$PROFILE" --appliance=compute --attr=Info_ClusterName=$'a\ab'
  fails_with "kpp: --attr: Info_ClusterName: value is not valid UTF-8 (byte 2)" kpp \
    --profile="$PROFILE" --appliance=compute --attr=Info_ClusterName=$'a\xffb'
  fails_with "kpp: --attr: Info_ClusterName: value has the control character U+0085 (byte 1)" kpp \
    --profile="$PROFILE" --appliance=compute --attr=Info_ClusterName=$'\xc2\x85'
}

@test "a value that is not text in the database is an error naming it, not broken XML" {
  rocks_fixture
  # As an older version, or SQL by hand, could have stored it.
  rocks set attr Info_ClusterName x
  local q="UPDATE attributes SET value = %s WHERE name = 'Info_ClusterName'"
  if [ "${ROCKS_TEST_ENGINE:-sqlite}" = mysql ]; then
    mariadb --socket="$ROCKS_TEST_MYSQL_SOCKET" -u root "$ROCKS_TEST_DBNAME" \
      -e "$(printf "$q" "CONCAT('a', CHAR(27), 'b')")"
  else
    sqlite3 "${ROCKS_DB#sqlite:}" "$(printf "$q" "'a' || char(27) || 'b'")"
  fi
  line=$(grep -n 'Info_ClusterName' "$PROFILE/nodes/base.xml" | head -n 1 | cut -d: -f1)
  fails_with "kpp: $PROFILE/nodes/base.xml:$line: &Info_ClusterName;: value has the control character U+001B (byte 2)" kpp \
    --profile="$PROFILE" --host=compute-0-0
}

@test "an expanding file gets values the shell does not expand; &Name:q; is one shell word" {
  copy_profile
  mkdir "$P/site-nodes"
  cat >"$P/site-nodes/extend-compute.xml" <<'XML'
<kickstart>
  <post>
<file name="/etc/site.conf" vars="expanded">
host $(echo live) &Site_X;
</file>
printf '%s\n' &Site_X:q; &Site_X:q; >/etc/site.words
  </post>
</kickstart>
XML
  local x=$'`touch /PWNED` $(touch /PWNED) \\ $HOME \'; touch /PWNED; \'\n%post'
  kpp --profile="$P" --appliance=compute --attr=Kickstart_PublicKey=k --attr="Site_X=$x" >"$T/site.xml"
  kgen "$T/site.xml" >"$T/site.ks"
  mkdir "$T/split"
  "$GRAPHDATA/ks-split" "$T/site.ks" "$T/split" >/dev/null
  last=$(grep -l site.words "$T/split"/*-post.sh)
  bash -n "$last"
  "$GRAPHDATA/ks-sandbox" "$T/root" "$last"
  [ ! -e "$T/root/PWNED" ]
  [ "$(cat "$T/root/etc/site.conf")" = "host live $x" ]
  [ "$(cat "$T/root/etc/site.words")" = "$x
$x" ]
}

@test "kpp never changes the database" {
  rocks_fixture
  before=$(db_dump)
  kpp --profile="$PROFILE" --host=login-0-0 >/dev/null
  kpp --profile="$PROFILE" --dot --host=nas-0-0 >/dev/null
  [ "$(db_dump)" = "$before" ]
}

@test "usage errors" {
  fails_with "kpp: no appliance or host given (see --help)" kpp
  fails_with "kpp: several hosts need --output-dir" kpp compute-0-0 compute-0-1
  fails_with "kpp: --appliance and hosts are exclusive" kpp --appliance=compute compute-0-0
  fails_with "kpp: --db is for hosts; --appliance needs no database" kpp \
    --appliance=compute --db=sqlite:"$T/x.db"
  fails_with "kpp: --attr: foo: expected key=value" kpp --appliance=compute --attr=foo
  fails_with "kpp: --output-dir is for hosts only" kpp --appliance=compute --output-dir="$T"
}

@test "a missing profile tree or graph is an error" {
  fails_with "kpp: $T/none: no such profile directory" kpp --profile="$T/none" --appliance=compute
  fails_with "kpp: $PROFILE/graphs/other: no such graph" kpp \
    --profile="$PROFILE" --graph=other --appliance=compute
  fails_with "kpp: --graph=../etc: invalid graph name" kpp \
    --profile="$PROFILE" --graph=../etc --appliance=compute
  fails_with "kpp: --graph=.hidden: invalid graph name" kpp \
    --profile="$PROFILE" --graph=.hidden compute-0-0
}

# compute-0-0 with every kind of interface the kickstart configures.
interfaces_fixture() {
  rocks_fixture
  rocks add host interface compute-0-0 ens1f0 mac=52:54:00:00:00:a0
  rocks add host interface compute-0-0 ens1f1 mac=52:54:00:00:00:a1
  rocks add host interface compute-0-0 bond0 network=public ip=192.168.1.50 \
    mode=802.3ad miimon=100 slaves=ens1f0,ens1f1
  rocks add host interface compute-0-0 bond0.200 vlan=200 parent=bond0
  rocks add host interface compute-0-0 eth0.300 vlan=300 parent=eth0 network=public \
    ip=192.168.1.77
  rocks add host interface compute-0-0 ib0 mac=52:54:00:00:00:b0
  rocks add host interface compute-0-0 ib1
}

@test "the kickstart configures every interface of the database, by MAC" {
  interfaces_fixture
  run --separate-stderr kgen --section=main <(kpp --profile="$PROFILE" --host=compute-0-0)
  [ "$status" -eq 0 ]
  run grep -e '^network' -e '^%include' <<<"$output"
  golden_file "$EXPECTED/compute-0-0-interfaces.main"
  # shlex, as the installer splits a command, reads each option as one word.
  python3 -c '
import shlex, sys
for line in sys.stdin:
    words = shlex.split(line, comments=True)
    assert all(w.startswith("--") for w in words[1:]), words
    print(len(words))' <<<"$(grep '^network' <<<"$output")" >/dev/null
  # No kernel name of a NIC is in a command: a device is a MAC, a bond or
  # a VLAN named here.
  ! grep -E -- '--device=(eth|ens|ib)' <<<"$output"
}

@test "the kickstart's %pre finds a bond's slaves by MAC, whatever the kernel calls them" {
  interfaces_fixture
  kpp --profile="$PROFILE" --host=compute-0-0 | kgen --section=pre >"$T/pre.ks"
  # The database's %pre, the last one.
  awk '/^%pre/ { n++; body = "" ; next } /^%end/ { last = body; next } { body = body $0 "\n" }
       END { printf "%s", last }' "$T/pre.ks" >"$T/network.sh"
  bash -n "$T/network.sh"
  grep -q rocks-network.ks "$T/network.sh"
  # A sysfs with the slaves under other names than the database's; one is
  # already enslaved (its address is the bond's, its own is perm_hwaddr).
  mkdir -p "$T/net/p1p1" "$T/net/p1p2/bonding_slave" "$T/net/lo"
  echo 52:54:00:00:00:a0 >"$T/net/p1p1/address"
  echo 52:54:00:00:00:a0 >"$T/net/p1p2/address"
  echo 52:54:00:00:00:a1 >"$T/net/p1p2/bonding_slave/perm_hwaddr"
  echo 00:00:00:00:00:00 >"$T/net/lo/address"
  mkdir -p "$T/tmp"
  # The script comes in on standard input: the private /tmp hides $T.
  unshare --mount sh -c 'mount --bind "$1" /sys/class/net && mount --bind "$2" /tmp && bash' \
    sh "$T/net" "$T/tmp" <"$T/network.sh"
  [ "$(cat "$T/tmp/rocks-network.ks")" = "network --device=bond0 --bondslaves=p1p1,p1p2 --bondopts=mode=802.3ad,miimon=100 --bootproto=static --ip=192.168.1.50 --netmask=255.255.255.0 --nodefroute --mtu=1500 --onboot=yes
network --device=bond0 --vlanid=200 --interfacename=bond0.200 --bootproto=dhcp --onboot=no" ]
}

@test "an appliance's kickstart (no database) keeps its one DHCP network line" {
  run --separate-stderr kgen --section=main <(kpp --profile="$PROFILE" --appliance=compute)
  [ "$(grep '^network' <<<"$output")" = "network --bootproto=dhcp --device=link --activate" ]
  ! grep -q 'rocks-network' <<<"$output"
}
