#!/usr/bin/env bats
# kickstart.cgi under a real lighttpd with mod_cgi, which each test starts
# on 127.0.0.1 on a spare port with its own configuration (including the
# shipped share/lighttpd/kickstart.conf). Nodes are told apart by the
# loopback source address curl binds to.

bats_require_minimum_version 1.5.0
load helper
load data/graph/injection

setup() {
  rocks_setup
  PROFILE=$(shipped_profile)
  rocks init --frontend=frontend --private-network=127.0.0.0/16 \
    --private-address=127.0.0.1 --private-mac=52:54:00:00:00:01 \
    --public-network=127.1.0.0/16 --public-address=127.1.0.1 \
    --public-mac=52:54:00:00:02:01
  rocks add host compute-0-0 appliance=compute rack=0 rank=0 cpus=4 \
    mac=52:54:00:00:00:10 ip=127.0.0.10
  rocks add host compute-0-1 appliance=compute rack=0 rank=1 cpus=4 \
    mac=52:54:00:00:00:11 ip=127.0.0.11
  mkdir -p "$T/www" "$T/state"
  cgi_conf "$PROFILE"
  LIGHTTPD_ROCKS_CONF=$T/cgi.conf start_lighttpd
  URL=$KICKSTART_URL
}

teardown() {
  stop_pids
  rocks_teardown
}

# The configuration lighttpd hands the CGI through ROCKS_CONF.
cgi_conf() {
  printf 'database = %s\nprofile = %s\nkickstart_statedir = %s\n' \
    "$ROCKS_DB" "$1" "$T/state" >"$T/cgi.conf"
}

# GET from a source address: `get ADDR QUERY [curl options]`. Sets CODE,
# BODY (the file), TYPE and RETRY (header values).
get() {
  local addr=$1 query=$2
  shift 2
  CODE=$(curl -s --interface "$addr" -o "$T/body" -D "$T/head" -w '%{http_code}' \
    "$@" "$URL$query")
  BODY=$T/body
  TYPE=$(tr -d '\r' <"$T/head" | sed -n 's/^Content-Type: //Ip')
  RETRY=$(tr -d '\r' <"$T/head" | sed -n 's/^Retry-After: //Ip')
}

# The install events: host, state, detail, oldest first.
events() {
  sql "SELECT h.name, e.state, e.detail FROM install_events e
    JOIN hosts h ON h.id = e.host ORDER BY e.id"
}

@test "a node gets its kickstart by its address; profile-sent is recorded" {
  get 127.0.0.10 ""
  [ "$CODE" = 200 ]
  [ "$TYPE" = "text/plain" ]
  kpp --profile="$PROFILE" --host=compute-0-0 | kgen | cmp - "$BODY"
  [ "$(events)" = "$(printf 'compute-0-0\tprofile-sent\tkickstart to 127.0.0.10')" ]
}

@test "?form=xml answers kpp's XML for kgen on the node" {
  get 127.0.0.11 "?form=xml"
  [ "$CODE" = 200 ]
  [ "$TYPE" = "application/xml" ]
  kpp --profile="$PROFILE" --host=compute-0-1 | cmp - "$BODY"
  [ "$(events)" = "$(printf 'compute-0-1\tprofile-sent\txml to 127.0.0.11')" ]
}

@test "a MAC header that agrees with the address is accepted" {
  get 127.0.0.11 "" -H 'X-RHN-Provisioning-MAC-0: eth0 52:54:00:00:00:11'
  [ "$CODE" = 200 ]
  kpp --profile="$PROFILE" --host=compute-0-1 | kgen | cmp - "$BODY"
  [ "$(events)" = "$(printf 'compute-0-1\tprofile-sent\tkickstart to 127.0.0.11')" ]
}

# Each refusal: 403, one line in the answer and in the server's log, and
# the database as it was.
refused() {
  local addr=$1 header=$2 expected=$3
  before=$(db_dump)
  if [ -n "$header" ]; then
    get "$addr" "${4:-}" -H "X-RHN-Provisioning-MAC-0: $header"
  else
    get "$addr" "${4:-}"
  fi
  [ "$CODE" = 403 ]
  [ "$TYPE" = "text/plain" ]
  [ "$(cat "$BODY")" = "kickstart.cgi: $expected" ]
  [ "$(db_dump)" = "$before" ]
  grep -qxF "kickstart.cgi: $expected" "$T/lighttpd.err"
}

@test "a known MAC from another address gets nothing: the header only confirms" {
  refused 127.0.0.99 'eth0 52:54:00:00:00:11' '127.0.0.99 (eth0 52:54:00:00:00:11): unknown client'
  refused 127.0.0.99 'eth0 52:54:00:00:00:11' \
    '127.0.0.99 (eth0 52:54:00:00:00:11): unknown client' '?state=installed'
}

@test "a MAC header that disagrees with the address is refused" {
  refused 127.0.0.10 'eth0 52:54:00:00:00:11' '127.0.0.10 (eth0 52:54:00:00:00:11): the MAC is not compute-0-0'"'"'s'
  refused 127.0.0.10 'eth0 nonsense' '127.0.0.10 (eth0 nonsense): the MAC is not compute-0-0'"'"'s'
}

@test "the frontend gets nothing, by its private or its public address or MAC" {
  refused 127.0.0.1 '' '127.0.0.1: frontend is a frontend, which is not installed over the network'
  refused 127.1.0.1 'eth1 52:54:00:00:02:01' \
    "127.1.0.1 (eth1 52:54:00:00:02:01): frontend's address on the public network, which does not serve installs"
  refused 127.0.0.99 'eth1 52:54:00:00:02:01' '127.0.0.99 (eth1 52:54:00:00:02:01): unknown client'
}

@test "a node's address on the public network is refused" {
  rocks add host interface compute-0-0 device=eth1 ip=127.1.0.10 subnet=public
  refused 127.1.0.10 '' "127.1.0.10: compute-0-0's address on the public network, which does not serve installs"
  refused 127.1.0.10 '' "127.1.0.10: compute-0-0's address on the public network, which does not serve installs" \
    '?state=installing'
}

@test "?client= is no more: an administrator runs kpp --host | kgen" {
  before=$(db_dump)
  get 127.0.0.10 "?client=compute-0-1"
  [ "$CODE" = 400 ]
  [ "$(cat "$BODY")" = "kickstart.cgi: client: unknown query field" ]
  [ "$(db_dump)" = "$before" ]
}

@test "an unknown client gets 403 with one line, and nothing is recorded" {
  before=$(db_dump)
  get 127.0.0.99 ""
  [ "$CODE" = 403 ]
  [ "$TYPE" = "text/plain" ]
  [ "$(cat "$BODY")" = "kickstart.cgi: 127.0.0.99: unknown client" ]
  get 127.0.0.99 "" -H 'X-RHN-Provisioning-MAC-0: eth0 52:54:00:99:99:99'
  [ "$CODE" = 403 ]
  [ "$(cat "$BODY")" = "kickstart.cgi: 127.0.0.99 (eth0 52:54:00:99:99:99): unknown client" ]
  [ "$(db_dump)" = "$before" ]
  [ "$(grep -c '^kickstart.cgi: 127.0.0.99.*: unknown client$' "$T/lighttpd.err")" = 2 ]
}

@test "hostile values in the database reach the node as data" {
  hostile_db
  get 127.0.0.10 ""
  [ "$CODE" = 200 ]
  NET=127.0.0.0/16 check_kickstart "$BODY"
}

@test "a value that is not text is refused at the door and never reaches a node" {
  before=$(db_dump)
  fails_with "rocks: Info_ClusterName: value has the control character U+0001 (byte 2)" rocks set attr Info_ClusterName $'a\x01b'
  [ "$(db_dump)" = "$before" ]
  get 127.0.0.10 ""
  [ "$CODE" = 200 ]
  grep -qx 'Rocks cluster Cluster' "$BODY"
}

@test "install state callbacks record events" {
  get 127.0.0.10 ""
  get 127.0.0.11 ""
  get 127.0.0.10 "?state=installing"
  [ "$CODE" = 200 ]
  [ "$(cat "$BODY")" = "compute-0-0: installing" ]
  get 127.0.0.11 "?state=failed"
  [ "$CODE" = 200 ]
  [ "$(cat "$BODY")" = "compute-0-1: failed" ]
  rocks set host compute-0-0 action=install
  get 127.0.0.10 "?state=installed"
  [ "$CODE" = 200 ]
  [ "$(cat "$BODY")" = "compute-0-0: installed" ]
  [ "$(events)" = "$(printf '%s\t%s\t%s\n' \
    compute-0-0 profile-sent 'kickstart to 127.0.0.10' \
    compute-0-1 profile-sent 'kickstart to 127.0.0.11' \
    compute-0-0 installing 'from 127.0.0.10' \
    compute-0-1 failed 'from 127.0.0.11' \
    compute-0-0 installed 'from 127.0.0.10')" ]
  # An installed node boots from its disk from now on.
  [ "$(rocks list host --format=tsv compute-0-0 | cut -f6)" = os ]
}

# A state callback refused for its order: 409, one line, nothing recorded.
out_of_order() {
  local addr=$1 state=$2 expected=$3
  before=$(db_dump)
  get "$addr" "?state=$state"
  [ "$CODE" = 409 ]
  [ "$(cat "$BODY")" = "kickstart.cgi: $expected" ]
  [ "$(db_dump)" = "$before" ]
}

@test "state callbacks follow the install: installing after the kickstart, installed after installing" {
  rocks set host compute-0-0 action=install
  out_of_order 127.0.0.10 installing 'compute-0-0: state=installing comes only after its kickstart was sent (last: none)'
  out_of_order 127.0.0.10 installed 'compute-0-0: state=installed comes only after installing (last: none)'
  out_of_order 127.0.0.10 failed 'compute-0-0: state=failed comes only during an install (last: none)'
  get 127.0.0.10 ""
  out_of_order 127.0.0.10 installed 'compute-0-0: state=installed comes only after installing (last: profile-sent)'
  # A spoofed or early installed leaves a pending reinstall pending.
  [ "$(rocks list host --format=tsv compute-0-0 | cut -f6)" = install ]
  get 127.0.0.10 "?state=installing"
  [ "$CODE" = 200 ]
  # A retried callback is answered and not recorded twice.
  get 127.0.0.10 "?state=installing"
  [ "$CODE" = 200 ]
  [ "$(cat "$BODY")" = "compute-0-0: installing (already recorded)" ]
  get 127.0.0.10 "?state=installed"
  [ "$CODE" = 200 ]
  out_of_order 127.0.0.10 installing 'compute-0-0: state=installing comes only after its kickstart was sent (last: installed)'
  out_of_order 127.0.0.10 failed 'compute-0-0: state=failed comes only during an install (last: installed)'
  [ "$(events)" = "$(printf '%s\t%s\t%s\n' \
    compute-0-0 profile-sent 'kickstart to 127.0.0.10' \
    compute-0-0 installing 'from 127.0.0.10' \
    compute-0-0 installed 'from 127.0.0.10')" ]
}

@test "each host keeps at most 64 events, the newest" {
  local i values=()
  # 63 events of an earlier install, oldest first, then two kickstarts.
  for i in $(seq 63); do values+=("((SELECT id FROM hosts WHERE name = 'compute-0-0'), $i, 'profile-sent', 'old $i')"); done
  sql "INSERT INTO install_events (host, time, state, detail) VALUES $(IFS=,; echo "${values[*]}")"
  get 127.0.0.10 "?form=xml"
  get 127.0.0.10 "?form=xml"
  get 127.0.0.11 ""
  [ "$(events | grep -c '^compute-0-0	')" = 64 ]
  [ "$(events | grep '^compute-0-0	' | head -1)" = "compute-0-0	profile-sent	old 2" ]
  [ "$(events | grep -c '^compute-0-0	profile-sent	xml to 127.0.0.10$')" = 2 ]
  [ "$(events | grep -c '^compute-0-1	')" = 1 ]
}

# The CGI's sync configuration: PXE files in DIR.
cgi_pxe_dir() {
  printf 'pxe | %s |  |\n' "$1" >"$T/sync.conf"
  printf 'sync_conf = %s/sync.conf\n' "$T" >>"$T/cgi.conf"
}

@test "installed rewrites the node's PXE file to boot from disk" {
  mkdir "$T/pxe"
  cgi_pxe_dir "$T/pxe"
  rocks set host compute-0-0 action=install
  dbreport pxe "$T/pxe"
  grep -q 'inst.ks=' "$T/pxe/pxelinux.cfg/01-52-54-00-00-00-10"
  get 127.0.0.10 ""
  get 127.0.0.10 "?state=installing"
  get 127.0.0.10 "?state=installed"
  [ "$CODE" = 200 ]
  [ "$(cat "$BODY")" = "compute-0-0: installed" ]
  [ "$(rocks list host --format=tsv compute-0-0 | cut -f6)" = os ]
  grep -q 'localboot 0' "$T/pxe/pxelinux.cfg/01-52-54-00-00-00-10"
}

@test "installed: a PXE directory it cannot write is reported, the event still counts" {
  cgi_pxe_dir "$T/no/such/dir"
  get 127.0.0.10 ""
  get 127.0.0.10 "?state=installing"
  get 127.0.0.10 "?state=installed"
  [ "$CODE" = 200 ]
  [ "$(cat "$BODY")" = "compute-0-0: installed (resetting the boot action to os failed: $T/no/such/dir: No such file or directory)" ]
  [ "$(grep -c "^kickstart.cgi: compute-0-0: resetting the boot action to os failed: $T/no/such/dir: No such file or directory\$" "$T/lighttpd.err")" = 1 ]
  [ "$(events | tail -n 1)" = "$(printf '%s\t%s\t%s' compute-0-0 installed 'from 127.0.0.10')" ]
}

@test "a bad state is refused with 400" {
  before=$(db_dump)
  get 127.0.0.10 "?state=done"
  [ "$CODE" = 400 ]
  [ "$(cat "$BODY")" = "kickstart.cgi: state=done: expected installing, installed or failed" ]
  [ "$(db_dump)" = "$before" ]
}

@test "a bad form is refused with 400" {
  before=$(db_dump)
  get 127.0.0.10 "?form=pdf"
  [ "$CODE" = 400 ]
  [ "$(cat "$BODY")" = "kickstart.cgi: form=pdf: expected kickstart or xml" ]
  [ "$(db_dump)" = "$before" ]
}

@test "an unknown query field is refused with 400" {
  before=$(db_dump)
  get 127.0.0.10 "?colour=red"
  [ "$CODE" = 400 ]
  [ "$(cat "$BODY")" = "kickstart.cgi: colour: unknown query field" ]
  [ "$(db_dump)" = "$before" ]
}

@test "past 2 x CPUs generations at once: 503 with Retry-After" {
  get 127.0.0.10 ""
  [ "$CODE" = 200 ]
  local n=$((2 * $(nproc))) i fd fds=()
  for ((i = 0; i < n; i++)); do
    exec {fd}>"$T/state/slot.$i"
    flock -n "$fd"
    fds+=("$fd")
  done
  before=$(db_dump)
  get 127.0.0.10 ""
  [ "$CODE" = 503 ]
  [ "$RETRY" = 15 ]
  [ "$(cat "$BODY")" = "kickstart.cgi: busy: $n kickstarts being generated, retry later" ]
  [ "$(db_dump)" = "$before" ]
  # State callbacks are not generations: they still go through.
  get 127.0.0.10 "?state=installing"
  [ "$CODE" = 200 ]
  # One slot free again: the next request is served.
  fd=${fds[0]}
  exec {fd}>&-
  get 127.0.0.10 ""
  [ "$CODE" = 200 ]
  for fd in "${fds[@]:1}"; do exec {fd}>&-; done
  [ "$(events)" = "$(printf '%s\t%s\t%s\n' \
    compute-0-0 profile-sent 'kickstart to 127.0.0.10' \
    compute-0-0 installing 'from 127.0.0.10' \
    compute-0-0 profile-sent 'kickstart to 127.0.0.10')" ]
}

@test "a MySQL database it cannot reach: 500, and no password in the answer or the log" {
  printf 'database = mysql://rocks:s3cret@127.0.0.1:1/cluster\n' >"$T/cgi.conf"
  run --separate-stderr env REQUEST_METHOD=GET GATEWAY_INTERFACE=CGI/1.1 REMOTE_ADDR=127.0.0.5 \
    QUERY_STRING= ROCKS_CONF="$T/cgi.conf" ROCKS_DB= kickstart.cgi
  [ "$status" -eq 0 ]
  [[ "$output" == "Status: 500 Internal Server Error"* ]]
  [[ "$stderr" == "kickstart.cgi: mysql://rocks@127.0.0.1:1/cluster: "* ]]
  [[ "$output$stderr" != *s3cret* ]]
}

@test "a broken profile gets 500 with the error, and nothing is recorded" {
  cp -R "$PROFILE" "$T/p"
  sed -i 's|<package>hwloc</package>|<package>hwloc</packge>|' "$T/p/nodes/hpc.xml"
  cgi_conf "$T/p"
  before=$(db_dump)
  get 127.0.0.10 ""
  [ "$CODE" = 500 ]
  [ "$(cat "$BODY")" = "kickstart.cgi: compute-0-0: $T/p/nodes/hpc.xml:10: Opening and ending tag mismatch: package line 10 and packge" ]
  [ "$(db_dump)" = "$before" ]
}

@test "run outside a web server it says so" {
  fails_with "kickstart.cgi: not run as a CGI program (no REQUEST_METHOD)" env -u REQUEST_METHOD -u GATEWAY_INTERFACE kickstart.cgi
}

@test "installed rewrites that node's boot files only" {
  mkdir "$T/pxe"
  cgi_pxe_dir "$T/pxe"
  rocks set host compute-0-0 action=install
  rocks set host compute-0-1 action=install
  dbreport pxe "$T/pxe"
  before=$(stat -c '%i %Y' "$T/pxe/pxelinux.cfg/01-52-54-00-00-00-11" "$T/pxe/grub/grub.cfg")
  get 127.0.0.10 ""
  get 127.0.0.10 "?state=installing"
  get 127.0.0.10 "?state=installed"
  [ "$CODE" = 200 ]
  grep -qx 'default os' "$T/pxe/pxelinux.cfg/01-52-54-00-00-00-10"
  [ "$(cat "$T/pxe/ipxe/01-52-54-00-00-00-10.ipxe" | tail -n 1)" = exit ]
  grep -qx '		chainloader /EFI/BOOT/BOOTX64.EFI' "$T/pxe/grub/grub.cfg-01-52-54-00-00-00-10"
  [ "$(stat -c '%i %Y' "$T/pxe/pxelinux.cfg/01-52-54-00-00-00-11" "$T/pxe/grub/grub.cfg")" = "$before" ]
}

@test "100 nodes reporting installed at once: every boot file says what the database says" {
  sqlite_only "runs the CGI directly against the test's database file"
  mkdir "$T/pxe"
  cgi_pxe_dir "$T/pxe"
  for i in $(seq 100 199); do
    printf 'rocks add host compute-2-%d appliance=compute rack=2 rank=%d mac=52:54:00:00:01:%02x ip=127.0.1.%d action=install\n' \
      "$i" "$i" "$((i - 100))" "$((i - 50))"
  done | while read -r line; do $line; done
  dbreport pxe "$T/pxe"
  # Each install fetched its kickstart and reported installing first,
  # two nodes at a time (the CGI's limit is 2 x CPUs generations at once).
  cgi_installing() {
    local q
    for q in form=xml state=installing; do
      REQUEST_METHOD=GET GATEWAY_INTERFACE=CGI/1.1 REMOTE_ADDR=127.0.1.$(($1 - 50)) \
        QUERY_STRING=$q ROCKS_CONF=$T/cgi.conf kickstart.cgi >/dev/null
    done
  }
  export -f cgi_installing
  export T
  seq 100 199 | xargs -P 2 -I{} bash -c 'cgi_installing {}'
  [ "$(events | grep -c '^compute-2-[0-9]*	installing	')" = 100 ]
  # Wait for these 100 only: the test's web server is a child too.
  local pids=()
  for i in $(seq 100 199); do
    REQUEST_METHOD=GET GATEWAY_INTERFACE=CGI/1.1 REMOTE_ADDR=127.0.1.$((i - 50)) \
      QUERY_STRING=state=installed ROCKS_CONF=$T/cgi.conf kickstart.cgi >"$T/out.$i" 2>&1 &
    pids+=($!)
  done
  wait "${pids[@]}"
  [ "$(grep -l '^compute-2-[0-9]*: installed$' "$T"/out.* | wc -l)" = 100 ]
  [ "$(rocks list host --format=tsv | awk -F'\t' '$1 ~ /^compute-2-/ && $6 == "os"' | wc -l)" = 100 ]
  [ "$(grep -lx 'default os' "$T"/pxe/pxelinux.cfg/01-52-54-00-00-01-* | wc -l)" = 100 ]
  [ "$(grep -lx 'exit' "$T"/pxe/ipxe/01-52-54-00-00-01-*.ipxe | wc -l)" = 100 ]
  [ "$(find "$T/pxe" -name '.*' ! -name .rocks-boot.lock)" = "" ]
}

@test "the installer's report: CPUs, memory and unknown NICs recorded for the node asking" {
  rocks add host interface compute-0-0 ib0
  get 127.0.0.10 "?state=installing&np=64&mem=257000&nic=eth0,52:54:00:00:00:10&nic=eno2,52:54:00:00:00:c2&nic=ib0,52-54-00-00-00-B0&nic=eno3,52:54:00:00:00:11"
  [ "$CODE" = 409 ] || [ "$CODE" = 200 ]
  [ "$(sql "SELECT cpus, memory FROM hosts WHERE name = 'compute-0-0'")" = "$(printf '64\t257000')" ]
  [ "$(sql "SELECT cpus, memory FROM hosts WHERE name = 'compute-0-1'")" = "$(printf '4\t0')" ]
  run rocks list host interface --format=tsv compute-0-0
  [ "$output" = "$(printf '%s\n' \
    'compute-0-0	eno2			52:54:00:00:00:c2					' \
    'compute-0-0	eth0	private	127.0.0.10	52:54:00:00:00:10					' \
    'compute-0-0	ib0			52:54:00:00:00:b0					')" ]
  # compute-0-1's MAC stays compute-0-1's, and the log says so.
  [ "$(sql "SELECT COUNT(*) FROM interfaces WHERE mac = '52:54:00:00:00:11'")" = 1 ]
  grep -qxF "kickstart.cgi: compute-0-0: eno3 52:54:00:00:00:11: left alone, the MAC is compute-0-1's" "$T/lighttpd.err"
  run rocks list host --format=tsv compute-0-0
  [ "$output" = "$(printf 'compute-0-0\tcompute\t0\t0\t64\tos\t127.0.0.10\t52:54:00:00:00:10\t257000')" ]
  # The batch system's node lists carry the figures.
  run dbreport slurm-nodes
  [[ "$output" == *"NodeName=compute-0-0 NodeAddr=127.0.0.10 CPUs=64 RealMemory=257000 State=UNKNOWN"* ]]
  [[ "$output" == *"NodeName=compute-0-1 NodeAddr=127.0.0.11 CPUs=4 State=UNKNOWN"* ]]
  run dbreport pbs-nodes
  [[ "$output" == *"create node compute-0-0 np=64"* ]]
}

@test "reports add no interfaces past 64: a node cannot grow the database without end" {
  # One request carries at most 64 NICs; a second one brings more.
  local q="?np=2" i
  for i in $(seq 1 64); do q+=$(printf '&nic=eth%d,52:54:00:00:10:%02x' "$i" "$i"); done
  get 127.0.0.10 "$q"
  [ "$CODE" = 200 ]
  q="?np=2"
  for i in $(seq 65 70); do q+=$(printf '&nic=eth%d,52:54:00:00:10:%02x' "$i" "$i"); done
  get 127.0.0.10 "$q"
  [ "$CODE" = 200 ]
  [ "$(sql "SELECT COUNT(*) FROM interfaces i JOIN hosts h ON h.id = i.host WHERE h.name = 'compute-0-0'")" = 64 ]
  [ "$(sql "SELECT COUNT(*) FROM interfaces i JOIN hosts h ON h.id = i.host WHERE h.name = 'compute-0-0' AND i.device = 'eth63'")" = 1 ]
  [ "$(sql "SELECT COUNT(*) FROM interfaces WHERE mac = '52:54:00:00:10:40'")" = 0 ]
  grep -qxF "kickstart.cgi: compute-0-0: eth64 52:54:00:00:10:40: left alone, the host has 64 interfaces" "$T/lighttpd.err"
  grep -qxF "kickstart.cgi: compute-0-0: eth70 52:54:00:00:10:46: left alone, the host has 64 interfaces" "$T/lighttpd.err"
  [ "$(grep -c 'left alone, the host has 64 interfaces' "$T/lighttpd.err")" = 7 ]
}

@test "anaconda's MAC headers, one per NIC: any one confirms, the unknown ones are recorded" {
  get 127.0.0.10 "" -H 'X-RHN-Provisioning-MAC-0: eno1 52:54:00:00:00:e1' \
    -H 'X-RHN-Provisioning-MAC-1: eth0 52:54:00:00:00:10'
  [ "$CODE" = 200 ]
  [ "$(sql "SELECT i.device FROM interfaces i JOIN hosts h ON h.id = i.host WHERE i.mac = '52:54:00:00:00:e1'")" = eno1 ]
  # The kickstart it got already configures the new NIC, by MAC.
  grep -qxF "network --device=52:54:00:00:00:e1 --bootproto=dhcp --onboot=no" "$BODY"
}

@test "a report is refused with 400 when a figure is not one, and nothing is recorded" {
  before=$(db_dump)
  get 127.0.0.10 "?state=installing&np=lots"
  [ "$CODE" = 400 ]
  [ "$(cat "$BODY")" = "kickstart.cgi: np=lots: invalid number (expected 1 to 1048576)" ]
  get 127.0.0.10 "?mem=0"
  [ "$CODE" = 400 ]
  [ "$(cat "$BODY")" = "kickstart.cgi: mem=0: invalid number (expected 1 to 1099511627776)" ]
  get 127.0.0.10 "?nic=eth1;reboot,52:54:00:00:00:99"
  [ "$CODE" = 400 ]
  [ "$(cat "$BODY")" = "kickstart.cgi: nic=eth1;reboot,52:54:00:00:00:99: expected DEVICE,MAC" ]
  [ "$(db_dump)" = "$before" ]
}

@test "a report from an unknown address records nothing" {
  before=$(db_dump)
  get 127.0.0.99 "?state=installing&np=8&mem=1024&nic=eno9,52:54:00:00:00:99"
  [ "$CODE" = 403 ]
  [ "$(db_dump)" = "$before" ]
}
