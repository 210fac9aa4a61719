#!/usr/bin/env bats
# rocks: the cluster database front end, on SQLite and (under
# t/mariadb.test) on MariaDB.

bats_require_minimum_version 1.5.0
load helper

setup() { rocks_setup; }
teardown() { rocks_teardown; }

@test "init creates appliances, subnets and the frontend" {
  run --separate-stderr rocks init --private-mac=52:54:00:00:00:01
  [ "$status" -eq 0 ]
  [ "$output" = "" ]
  [ "$stderr" = "" ]
  run --separate-stderr rocks list appliance --format=table
  [ "$status" -eq 0 ]
  [ "$output" = "APPLIANCE    SHORT GRAPH   NODE         PUBLIC COMPUTE
compute      c     default compute      yes    yes
frontend     fe    default frontend     no     no
login        l     default login        yes    no
nas          nas   default nas          yes    no
network      net   default -            yes    no
power        pdu   default -            yes    no
vm-container vmc   default vm-container yes    no" ]
  run --separate-stderr rocks list subnet --format=tsv
  [ "$output" = "$(printf 'private\t10.0.0.0\t255.0.0.0\t8\tlocal\t1500\tyes\tyes\tyes\t\npublic\t192.168.1.0\t255.255.255.0\t24\texample.org\t1500\tno\tno\tno\t')" ]
  run --separate-stderr rocks list host --format=tsv
  [ "$output" = "$(printf 'frontend\tfrontend\t0\t0\t1\tos\t10.1.1.1\t52:54:00:00:00:01\t')" ]
}

@test "init takes the frontend name, networks and domains" {
  run --separate-stderr rocks init --frontend=head --private-network=172.16.0.0/255.255.0.0 \
    --private-address=172.16.0.1 --domain=cluster --public-network=198.51.100.0/24 \
    --public-address=198.51.100.7 --public-domain=example.net --cluster-name=Tiny \
    --timezone=Europe/Paris
  [ "$status" -eq 0 ]
  run --separate-stderr rocks list host interface --format=tsv
  [ "$output" = "$(printf 'head\teth0\tprivate\t172.16.0.1\t\t\t\t\t\t\nhead\teth1\tpublic\t198.51.100.7\t\t\t\t\t\t')" ]
  run --separate-stderr rocks list attr --format=tsv Info_ClusterName Kickstart_PrivateNetmask \
    Kickstart_PrivateDNSDomain Kickstart_PublicHostname Kickstart_Timezone
  [ "$output" = "$(printf 'Info_ClusterName\tTiny\tglobal\nKickstart_PrivateDNSDomain\tcluster\tglobal\nKickstart_PrivateNetmask\t255.255.0.0\tglobal\nKickstart_PublicHostname\thead.example.net\tglobal\nKickstart_Timezone\tEurope/Paris\tglobal')" ]
}

@test "init defaults match the original Rocks attributes" {
  rocks init
  run --separate-stderr rocks list attr --format=tsv Kickstart_PrivateAddress \
    Kickstart_PrivateNetwork Kickstart_PrivateNetmask Kickstart_PrivateDNSDomain
  [ "$status" -eq 0 ]
  [ "$output" = "$(printf 'Kickstart_PrivateAddress\t10.1.1.1\tglobal\nKickstart_PrivateDNSDomain\tlocal\tglobal\nKickstart_PrivateNetmask\t255.0.0.0\tglobal\nKickstart_PrivateNetwork\t10.0.0.0\tglobal')" ]
}

@test "init twice is refused and changes nothing" {
  rocks init
  fails_unchanged "rocks: $ROCKS_DB: already holds a cluster" init --frontend=other
}

@test "init rejects a private address outside its network" {
  fails_with "rocks: --private-address=192.168.7.1: not in 10.0.0.0/8" rocks init --private-address=192.168.7.1
}

@test "init rejects a malformed network" {
  fails_with "rocks: --private-network=10.0.0.1/8: host bits set in network address" rocks init --private-network=10.0.0.1/8
}

@test "init rejects a malformed frontend MAC" {
  fails_with "rocks: --private-mac=52:54:00:00:00: invalid MAC address" rocks init --private-mac=52:54:00:00:00
}

@test "init rejects /0, /31 and /32 networks" {
  local net
  for net in --private-network=0.0.0.0/0 --private-network=10.1.1.0/31 \
      --private-network=10.1.1.1/32 --private-network=10.1.1.0/255.255.255.254; do
    fails_with "rocks: $net: prefix length must be 1-30" rocks init "$net" --private-address=10.1.1.1
  done
  fails_with "rocks: --public-network=192.168.1.0/31: prefix length must be 1-30" rocks init --public-network=192.168.1.0/31
}

@test "init rejects overlapping private and public networks" {
  fails_with "rocks: --public-network=10.9.0.0/16: overlaps the private network 10.0.0.0/8" rocks init --public-network=10.9.0.0/16 --public-address=10.9.0.1
  fails_with "rocks: --public-network=10.0.0.0/8: overlaps the private network 10.1.0.0/16" rocks init --private-network=10.1.0.0/16 --private-address=10.1.0.1 \
    --public-network=10.0.0.0/8 --public-address=10.2.0.1
}

@test "init rejects the same MAC for both interfaces, the all-zero and broadcast MACs" {
  fails_with "rocks: --public-mac=52-54-00-00-00-01: the same as the private MAC" rocks init --private-mac=52:54:00:00:00:01 --public-mac=52-54-00-00-00-01
  fails_with "rocks: --private-mac=00:00:00:00:00:00: the all-zero MAC address is no interface's" rocks init --private-mac=00:00:00:00:00:00
  fails_with "rocks: --public-mac=ff:ff:ff:ff:ff:ff: the broadcast MAC address is no interface's" rocks init --public-mac=ff:ff:ff:ff:ff:ff
}

@test "init rejects a reserved frontend name" {
  fails_with "rocks: --frontend=localhost: reserved host name" rocks init --frontend=localhost
}

@test "init options are refused with other commands" {
  rocks init
  fails_unchanged "rocks: --frontend, --private-*, --public-* and the other init options go with 'init' only" \
    list host --frontend=x
}

@test "a command on an empty database says to run init" {
  fails_with "rocks: $ROCKS_DB: no cluster database here (run 'rocks init')" rocks list host
}

# No file, -wal or -shm at PATH.
no_database() { [ ! -e "$1" ] && [ ! -e "$1-wal" ] && [ ! -e "$1-shm" ]; }

@test "a mistyped database path: reported missing, no file created" {
  sqlite_only "SQLite files"
  rocks_fixture
  local cmd
  for cmd in "list host" "list appliance" "list attr" "add host compute-0-9 appliance=compute" \
      "set host compute-0-0 cpus=2" "remove host compute-0-0" "sync config"; do
    # shellcheck disable=SC2086
    fails_with "rocks: sqlite:$T/clustr.db: no cluster database here (run 'rocks init')" rocks --db="sqlite:$T/clustr.db" $cmd
    no_database "$T/clustr.db"
  done
  fails_with "dbreport: sqlite:$T/clustr.db: no cluster database here (run 'rocks init')" dbreport --db="sqlite:$T/clustr.db" hosts
  no_database "$T/clustr.db"
  fails_with "kpp: sqlite:$T/clustr.db: no cluster database here (run 'rocks init')" kpp --db="sqlite:$T/clustr.db" --host=compute-0-0
  no_database "$T/clustr.db"
}

@test "a failed init leaves no database behind" {
  sqlite_only "SQLite files"
  fails_with "rocks: --private-network=10.1.1.0/31: prefix length must be 1-30" rocks init --private-network=10.1.1.0/31
  no_database "${ROCKS_DB#sqlite:}"
  printf 'shadow = %s/nope\n' "$T" >>"$ROCKS_CONF"
  fails_with "rocks: init: root password: $T/nope: No such file or directory" rocks init
  no_database "${ROCKS_DB#sqlite:}"
}

@test "a failed init keeps the database that was there" {
  sqlite_only "SQLite files"
  rocks init
  local before
  before=$(db_dump)
  fails_with "rocks: $ROCKS_DB: already holds a cluster" rocks init --private-network=10.1.1.0/31
  [ "$(db_dump)" = "$before" ]
}

@test "add host stores a host and its interface" {
  rocks_fixture
  run --separate-stderr rocks list host --format=table
  [ "$status" -eq 0 ]
  [ "$stderr" = "" ]
  [ "$output" = "HOST        APPLIANCE RACK RANK CPUS ACTION IP             MAC               MEMORY
frontend    frontend  0    0    1    os     10.1.1.1       52:54:00:00:00:01 -
compute-0-0 compute   0    0    4    os     10.255.255.254 52:54:00:00:00:10 -
compute-0-1 compute   0    1    4    os     10.255.255.253 52:54:00:00:00:11 -
compute-1-0 compute   1    0    8    os     10.255.255.252 52:54:00:00:00:12 -
login-0-0   login     0    0    1    os     10.255.255.251 52:54:00:00:00:20 -
nas-0-0     nas       0    0    1    os     10.255.255.250 52:54:00:00:00:30 -" ]
}

@test "add host without rank takes the next rank in its rack" {
  rocks_fixture
  rocks add host compute-0-7 appliance=compute rack=0
  rocks add host compute-1-9 appliance=compute rack=1
  run --separate-stderr rocks list host --format=tsv compute-0-7 compute-1-9
  [ "$status" -eq 0 ]
  [ "$output" = "$(printf 'compute-0-7\tcompute\t0\t2\t1\tos\t\t\t\ncompute-1-9\tcompute\t1\t1\t1\tos\t\t\t')" ]
}

@test "add host normalises the MAC and accepts other spellings" {
  rocks init
  rocks add host compute-0-0 appliance=compute mac=5254.00AB.CDEF ip=10.1.0.5
  rocks add host compute-0-1 appliance=compute mac=52-54-00-AB-CD-F0
  run --separate-stderr rocks list host interface --format=tsv compute-0-0 compute-0-1
  [ "$output" = "$(printf 'compute-0-0\teth0\tprivate\t10.1.0.5\t52:54:00:ab:cd:ef\t\t\t\t\t\ncompute-0-1\teth0\t\t\t52:54:00:ab:cd:f0\t\t\t\t\t')" ]
}

@test "add host: unknown appliance" {
  rocks_fixture
  fails_unchanged "rocks: appliance=compte: unknown appliance (did you mean 'compute'?)" \
    add host compute-0-9 appliance=compte
}

@test "add host: no appliance and a name that is not APPLIANCE-RACK-RANK" {
  rocks_fixture
  fails_unchanged "rocks: node9: no appliance= and the name is not APPLIANCE-RACK-RANK" \
    add host node9 rack=0
  fails_unchanged "rocks: compute-x-1: no appliance= and the name is not APPLIANCE-RACK-RANK" \
    add host compute-x-1
}

@test "add host: no appliance and a name whose appliance is unknown" {
  rocks_fixture
  fails_unchanged "rocks: gpu-0-0: no appliance= and no appliance called gpu" add host gpu-0-0
}

@test "add host APPLIANCE-RACK-RANK takes appliance, rack and rank from the name (Rocks 6)" {
  rocks_fixture
  rocks add host compute-2-7
  rocks add host c-3-1 cpus=2
  rocks add host nas-0-5 rank=9
  run --separate-stderr rocks list host compute-2-7 c-3-1 nas-0-5
  [ "$status" -eq 0 ]
  [ "$output" = "$(printf 'compute-2-7\tcompute\t2\t7\t1\tos\t\t\t\nc-3-1\tcompute\t3\t1\t2\tos\t\t\t\nnas-0-5\tnas\t0\t9\t1\tos\t\t\t')" ]
}

@test "membership= is appliance= in add host and set host (Rocks 6)" {
  rocks_fixture
  rocks add host node-a membership=Compute rack=4 rank=2
  rocks set host compute-0-0 membership=Login
  run --separate-stderr rocks list host node-a compute-0-0
  [ "$status" -eq 0 ]
  [ "$output" = "$(printf 'node-a\tcompute\t4\t2\t1\tos\t\t\t\ncompute-0-0\tlogin\t0\t0\t4\tos\t10.255.255.254\t52:54:00:00:00:10\t')" ]
  fails_unchanged "rocks: membership=Storage: unknown appliance" set host compute-0-1 membership=Storage
}

@test "host attr and appliance attr: the Rocks 6 spellings of --host and --appliance" {
  rocks_fixture
  rocks set host attr compute-0-0 Slurm_Partition gpu
  rocks add host attr compute-0-0 site_note "rack by the door"
  rocks set appliance attr compute Slurm_Partition batch
  run --separate-stderr rocks list host attr compute-0-0 Slurm_Partition site_note
  [ "$status" -eq 0 ]
  [ "$output" = "$(printf 'Slurm_Partition\tgpu\thost\nsite_note\track by the door\thost')" ]
  [ "$(rocks list attr --host=compute-0-0 Slurm_Partition)" = "$(printf 'Slurm_Partition\tgpu\thost')" ]
  run --separate-stderr rocks list appliance attr compute Slurm_Partition
  [ "$output" = "$(printf 'Slurm_Partition\tbatch\tappliance')" ]
  rocks remove host attr compute-0-0 Slurm_Partition
  run --separate-stderr rocks list host attr compute-0-1 Slurm_Partition
  [ "$output" = "$(printf 'Slurm_Partition\tbatch\tappliance')" ]
  run --separate-stderr rocks list host attr compute-0-0 Slurm_Partition
  [ "$output" = "$(printf 'Slurm_Partition\tbatch\tappliance')" ]
}

@test "host attr: missing HOST" {
  rocks_fixture
  fails_unchanged "rocks: list host attr: missing HOST" list host attr
  fails_unchanged "rocks: set appliance attr: missing APPLIANCE" set appliance attr
}

@test "host attr: unknown host" {
  rocks_fixture
  fails_unchanged "rocks: compute-0-9: unknown host (did you mean 'compute-0-0'?)" \
    set host attr compute-0-9 a b
}

@test "host attr: the scope given twice" {
  rocks_fixture
  fails_unchanged "rocks: set host attr compute-0-0: the scope is given twice (drop --host/--appliance)" \
    set host attr --host=compute-0-1 compute-0-0 a b
}

@test "add host: duplicate name" {
  rocks_fixture
  fails_unchanged "rocks: compute-0-0: host already exists" add host compute-0-0 appliance=compute
}

@test "add host: duplicate MAC" {
  rocks_fixture
  fails_unchanged "rocks: mac=52:54:00:00:00:10: already used by compute-0-0" \
    add host compute-0-9 appliance=compute mac=52:54:00:00:00:10
}

@test "add host: duplicate IP" {
  rocks_fixture
  fails_unchanged "rocks: ip=10.255.255.253: already used by compute-0-1" \
    add host compute-0-9 appliance=compute ip=10.255.255.253
}

@test "add host: malformed MAC" {
  rocks_fixture
  fails_unchanged "rocks: mac=52:54:00:00:00:1g: invalid MAC address" \
    add host compute-0-9 appliance=compute mac=52:54:00:00:00:1g
}

@test "add host: malformed IP" {
  rocks_fixture
  fails_unchanged "rocks: ip=10.0.0.256: invalid IPv4 address" \
    add host compute-0-9 appliance=compute ip=10.0.0.256
}

@test "add host: IP outside the named subnet" {
  rocks_fixture
  fails_unchanged "rocks: ip=192.168.1.20: not in subnet private (10.0.0.0/8)" \
    add host compute-0-9 appliance=compute ip=192.168.1.20 subnet=private
}

@test "add host: IP outside every subnet" {
  rocks_fixture
  fails_unchanged "rocks: ip=203.0.113.9: not in any subnet" \
    add host compute-0-9 appliance=compute ip=203.0.113.9
}

@test "add host: the subnet's broadcast address" {
  rocks_fixture
  fails_unchanged "rocks: ip=10.255.255.255: is the broadcast address of subnet private (10.0.0.0/8)" \
    add host compute-0-9 appliance=compute ip=10.255.255.255
}

@test "add host: unknown network" {
  rocks_fixture
  fails_unchanged "rocks: subnet=privat: unknown network (did you mean 'private'?)" \
    add host compute-0-9 appliance=compute ip=10.1.2.3 subnet=privat
}

@test "add host: unknown key" {
  rocks_fixture
  fails_unchanged "rocks: rak=1: unknown key (did you mean 'rack'?)" \
    add host compute-0-9 appliance=compute rak=1
}

@test "add host: a word without '='" {
  rocks_fixture
  fails_unchanged "rocks: compute: expected key=value" add host compute-0-9 compute
}

@test "add host: a rank that is not a number" {
  rocks_fixture
  fails_unchanged "rocks: rank=x: invalid number (expected 0 or more)" add host compute-0-9 appliance=compute rank=x
}

@test "add host: the all-zero and broadcast MACs are no interface's" {
  rocks_fixture
  fails_unchanged "rocks: mac=00:00:00:00:00:00: the all-zero MAC address is no interface's" \
    add host compute-0-9 appliance=compute mac=00:00:00:00:00:00
  fails_unchanged "rocks: mac=FF-FF-FF-FF-FF-FF: the broadcast MAC address is no interface's" \
    add host compute-0-9 appliance=compute mac=FF-FF-FF-FF-FF-FF
  fails_unchanged "rocks: mac=ffffffffffff: the broadcast MAC address is no interface's" \
    add host interface compute-0-0 device=eth1 mac=ffffffffffff
}

@test "add host, set host, add alias: localhost and other loopback names are reserved" {
  rocks_fixture
  fails_unchanged "rocks: localhost: reserved host name" add host localhost appliance=compute
  fails_unchanged "rocks: localhost.localdomain: reserved host name" \
    add host LocalHost.localdomain appliance=compute
  fails_unchanged "rocks: node.localhost: reserved host name" add host node.localhost appliance=compute
  fails_unchanged "rocks: name=ip6-localhost: reserved host name" set host compute-0-0 name=ip6-localhost
  fails_unchanged "rocks: localhost6: reserved host name" add alias compute-0-0 localhost6
}

@test "add host, set host, aliases, interface names: a dotted name is refused" {
  rocks_fixture
  fails_unchanged "rocks: www.google.com: dotted name (host names are one DNS label)" \
    add host www.google.com appliance=compute
  fails_unchanged "rocks: name=a.example.org: dotted name (host names are one DNS label)" \
    set host compute-0-0 name=a.example.org
  fails_unchanged "rocks: www.google.com: dotted name (aliases are one DNS label)" \
    add alias compute-0-0 WWW.google.com
  fails_unchanged "rocks: name=mail.example.org: dotted name (interface names are one DNS label)" \
    add host interface compute-0-0 device=eth1 name=mail.example.org
  fails_unchanged "rocks: name=mail.example.org: dotted name (interface names are one DNS label)" \
    set host interface compute-0-0 eth0 name=mail.example.org
  fails_unchanged "rocks: name=ib.example.org: dotted name (interface names are one DNS label)" \
    add host compute-0-9 appliance=compute name=ib.example.org
}

@test "add host, set host, interfaces, attributes: too long for the schema, on every engine" {
  rocks_fixture
  local c256 a33 o256 v
  c256=$(printf 'c%.0s' $(seq 256))
  a33=$(printf 'a%.0s' $(seq 33))
  fails_unchanged "rocks: comment=cccccccccccccccccccccccccccccccc...: too long (at most 255 characters)" \
    add host compute-0-9 appliance=compute comment="$c256"
  fails_unchanged "rocks: comment=cccccccccccccccccccccccccccccccc...: too long (at most 255 characters)" \
    set host compute-0-0 comment="$c256"
  fails_unchanged "rocks: arch=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...: too long (at most 32 characters)" \
    add host compute-0-9 appliance=compute arch="$a33"
  fails_unchanged "rocks: os=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...: too long (at most 32 characters)" \
    set host compute-0-0 os="$a33"
  o256="mode=$(printf 'x%.0s' $(seq 251))"
  fails_unchanged "rocks: options=mode=xxxxxxxxxxxxxxxxxxxxxxxxxxx...: too long (at most 255 characters)" \
    add host interface compute-0-0 device=bond0 options="$o256"
  v=$(head -c 65536 /dev/zero | tr '\0' v)
  fails_unchanged "rocks: Site_Big: value too long (at most 65535 bytes)" set attr Site_Big "$v"
  # At the limit each fits, on SQLite and MariaDB alike.
  rocks set host compute-0-0 comment="${c256:1}" os="${a33:1}"
  rocks set attr Site_Big "${v:1}"
  run rocks list attr Site_Big
  [ "$status" -eq 0 ]
  [ "${#output}" -gt 65535 ]
}

@test "add host, set host: cpus=0" {
  rocks_fixture
  fails_unchanged "rocks: cpus=0: invalid number (expected 1 or more)" add host compute-0-9 appliance=compute cpus=0
  fails_unchanged "rocks: cpus=0: invalid number (expected 1 or more)" set host compute-0-0 cpus=0
}

@test "add host: an invalid host name" {
  rocks_fixture
  fails_unchanged "rocks: bad_name: invalid host name" add host bad_name appliance=compute
}

@test "add host interface adds a second interface" {
  rocks_fixture
  run --separate-stderr rocks add host interface compute-0-0 device=ib0 ip=192.168.1.50 \
    module=ib_ipoib name=compute-0-0-ib
  [ "$status" -eq 0 ]
  run --separate-stderr rocks list host interface --format=tsv compute-0-0
  [ "$output" = "$(printf 'compute-0-0\teth0\tprivate\t10.255.255.254\t52:54:00:00:00:10\t\t\t\t\t\ncompute-0-0\tib0\tpublic\t192.168.1.50\t\tib_ipoib\tcompute-0-0-ib\t\t\t')" ]
}

@test "add host interface: the host already has that device" {
  rocks_fixture
  fails_unchanged "rocks: device=eth0: host already has this interface" \
    add host interface compute-0-0 device=eth0
}

# A crafted device= used to add a host block to dhcpd.conf that dhcpd -t
# accepted, taking the frontend's address.
@test "add host interface: device= and module= must be names, not config text" {
  rocks_fixture
  fails_unchanged "rocks: device=eth1;} host evil { hardware ethernet 52:54:00:00:00:99; fixed-address 10.1.1.1;: invalid interface name" \
    add host interface compute-0-0 'device=eth1;} host evil { hardware ethernet 52:54:00:00:00:99; fixed-address 10.1.1.1;' mac=52:54:00:00:00:98
  fails_unchanged "rocks: device=eth 1: invalid interface name" add host interface compute-0-0 'device=eth 1'
  fails_unchanged "rocks: device=eth1234567890abcd: invalid interface name" add host interface compute-0-0 device=eth1234567890abcd
  fails_unchanged "rocks: module=e1000\"; evil: invalid module name" \
    add host interface compute-0-0 device=eth1 'module=e1000"; evil'
  fails_unchanged "rocks: device=a/b: invalid interface name" \
    add host compute-0-9 appliance=compute device=a/b mac=52:54:00:00:00:97
}

@test "add host interface: unknown host" {
  rocks_fixture
  fails_unchanged "rocks: compute-9-9: unknown host (did you mean 'compute-0-0'?)" add host interface compute-9-9 device=eth1
}

@test "remove host interface" {
  rocks_fixture
  rocks add host interface compute-0-0 device=eth1
  run --separate-stderr rocks remove host interface compute-0-0 eth1
  [ "$status" -eq 0 ]
  run --separate-stderr rocks list host interface --format=tsv compute-0-0
  [ "$output" = "$(printf 'compute-0-0\teth0\tprivate\t10.255.255.254\t52:54:00:00:00:10\t\t\t\t\t')" ]
}

@test "remove host interface: no such interface" {
  rocks_fixture
  fails_unchanged "rocks: compute-0-0: no interface eth7" remove host interface compute-0-0 eth7
}

@test "list host: unknown host" {
  rocks_fixture
  fails_with "rocks: compute-0-9: unknown host (did you mean 'compute-0-0'?)" rocks list host compute-0-0 compute-0-9
}

@test "list host: a selection by range, appliance and rack" {
  rocks_fixture
  run --separate-stderr rocks list host --format=tsv 'compute-[0-1]-0' rack:0,appliance:nas
  [ "$status" -eq 0 ]
  [ "$(cut -f1 <<<"$output")" = "frontend
compute-0-0
compute-0-1
compute-1-0
login-0-0
nas-0-0" ]
  run --separate-stderr rocks list host --format=tsv appliance:login
  [ "$status" -eq 0 ]
  [ "$(cut -f1 <<<"$output")" = "login-0-0" ]
  [ "$stderr" = "" ]
  fails_with "rocks: compute-0-[4-7]: no host matches" rocks list host 'compute-0-[4-7]'
}

@test "list host as JSON" {
  rocks_fixture
  run --separate-stderr rocks list host --format=json compute-0-1 login-0-0
  [ "$status" -eq 0 ]
  [ "$output" = '{
   "hosts": [
      {
         "host": "compute-0-1",
         "appliance": "compute",
         "rack": 0,
         "rank": 1,
         "cpus": 4,
         "action": "os",
         "ip": "10.255.255.253",
         "mac": "52:54:00:00:00:11",
         "memory": null
      },{
         "host": "login-0-0",
         "appliance": "login",
         "rack": 0,
         "rank": 0,
         "cpus": 1,
         "action": "os",
         "ip": "10.255.255.251",
         "mac": "52:54:00:00:00:20",
         "memory": null
      }
   ]
}' ]
}

@test "list: wide and accented values align by display width, whatever the locale and COLUMNS" {
  rocks_fixture
  rocks set attr Site_Comment 'ノード'
  rocks set attr Site_Cafe 'café'
  local expected="ATTR         VALUE  SCOPE
Site_Cafe    café   global
Site_Comment ノード global"
  run --separate-stderr env COLUMNS=20 rocks list attr --format=table Site_Cafe Site_Comment
  [ "$status" -eq 0 ]
  [ "$stderr" = "" ]
  [ "$output" = "$expected" ]
  run --separate-stderr env LC_ALL=C.UTF-8 COLUMNS=20 rocks list attr --format=table \
    Site_Cafe Site_Comment
  [ "$status" -eq 0 ]
  [ "$output" = "$expected" ]
}

@test "list: a value that is not UTF-8, or has control characters, is valid JSON and one table line" {
  sqlite_only "edits the SQLite file directly"
  rocks_fixture
  rocks set attr Site_Motd x
  sqlite3 "${ROCKS_DB#sqlite:}" \
    "UPDATE attributes SET value = CAST(X'ff61011b0a636166c3' AS TEXT) WHERE name = 'Site_Motd'"
  run --separate-stderr rocks list attr --format=json Site_Motd
  [ "$status" -eq 0 ]
  [ "$stderr" = "" ]
  [ "$output" = '{
   "attrs": [
      {
         "attr": "Site_Motd",
         "value": "'$'\xef\xbf\xbd''a\u0001\u001b\ncaf'$'\xef\xbf\xbd''",
         "scope": "global"
      }
   ]
}' ]
  python3 -m json.tool <<<"$output" >/dev/null
  run --separate-stderr rocks list attr --format=table Site_Motd
  [ "$status" -eq 0 ]
  [ "$stderr" = "" ]
  [ "$output" = 'ATTR      VALUE                    SCOPE
Site_Motd \xffa\x01\x1b\x0acaf\xc3 global' ]
}

@test "list: an unknown format" {
  rocks_fixture
  fails_with "rocks: --format=xml: unknown format (expected table, tsv or json)" rocks list host --format=xml
}

@test "remove host removes hosts with their interfaces and attributes" {
  rocks_fixture
  rocks set attr --host=compute-0-1 Foo bar
  run --separate-stderr rocks remove host compute-0-1 login-0-0
  [ "$status" -eq 0 ]
  run --separate-stderr rocks list host --format=tsv
  [ "$output" = "$(printf 'frontend\tfrontend\t0\t0\t1\tos\t10.1.1.1\t52:54:00:00:00:01\t\ncompute-0-0\tcompute\t0\t0\t4\tos\t10.255.255.254\t52:54:00:00:00:10\t\ncompute-1-0\tcompute\t1\t0\t8\tos\t10.255.255.252\t52:54:00:00:00:12\t\nnas-0-0\tnas\t0\t0\t1\tos\t10.255.255.250\t52:54:00:00:00:30\t')" ]
  # The freed MAC and IP can be used again.
  rocks add host compute-0-5 appliance=compute mac=52:54:00:00:00:11 ip=10.255.255.253
}

@test "remove host: one unknown name removes nothing" {
  rocks_fixture
  fails_unchanged "rocks: compute-0-9: unknown host (did you mean 'compute-0-0'?)" remove host compute-0-0 compute-0-9
}

@test "remove host: the frontend cannot be removed" {
  rocks_fixture
  fails_unchanged "rocks: frontend: the frontend cannot be removed" remove host compute-0-0 frontend
  fails_unchanged "rocks: Frontend: the frontend cannot be removed" remove host Frontend
}

@test "add host: appliance=frontend makes no second frontend" {
  rocks_fixture
  fails_unchanged "rocks: appliance=frontend: the cluster already has a frontend (frontend)" \
    add host head2 appliance=frontend mac=52:54:00:00:00:99
}

@test "set host: appliance=frontend makes no second frontend" {
  rocks_fixture
  fails_unchanged "rocks: appliance=frontend: the cluster already has a frontend (frontend)" \
    set host compute-0-0 appliance=frontend
}

@test "set host: the frontend stays the frontend" {
  rocks_fixture
  fails_unchanged "rocks: appliance=compute: the frontend's appliance cannot be changed" \
    set host frontend appliance=compute
  run --separate-stderr rocks set host frontend appliance=frontend comment=head
  [ "$status" -eq 0 ]
  [ "$stderr" = "" ]
  run --separate-stderr rocks list host --format=tsv frontend
  [ "$output" = "$(printf 'frontend\tfrontend\t0\t0\t1\tos\t10.1.1.1\t52:54:00:00:00:01\t')" ]
}

@test "set host changes fields" {
  rocks_fixture
  run --separate-stderr rocks set host compute-0-0 action=install cpus=16 rack=2 rank=3 comment="GPU node"
  [ "$status" -eq 0 ]
  run --separate-stderr rocks list host --format=tsv compute-0-0
  [ "$output" = "$(printf 'compute-0-0\tcompute\t2\t3\t16\tinstall\t10.255.255.254\t52:54:00:00:00:10\t')" ]
}

@test "set host renames a host" {
  rocks_fixture
  rocks set host compute-0-0 name=gpu-0-0 appliance=login
  run --separate-stderr rocks list host --format=tsv gpu-0-0
  [ "$output" = "$(printf 'gpu-0-0\tlogin\t0\t0\t4\tos\t10.255.255.254\t52:54:00:00:00:10\t')" ]
}

@test "set host: unknown host" {
  rocks_fixture
  fails_unchanged "rocks: compute-0-9: unknown host (did you mean 'compute-0-0'?)" \
    set host compute-0-9 cpus=2
}

@test "set host: a bad boot action changes nothing, not even the valid keys before it" {
  rocks_fixture
  fails_unchanged "rocks: action=reinstall: unknown boot action (expected os or install)" \
    set host compute-0-0 cpus=2 action=reinstall
}

@test "set host: rename onto an existing host" {
  rocks_fixture
  fails_unchanged "rocks: name=compute-0-1: host already exists" set host compute-0-0 name=compute-0-1
}

@test "set host: nothing to set" {
  rocks_fixture
  fails_unchanged "rocks: compute-0-0: nothing to set" set host compute-0-0
}

@test "list --format=tsv escapes tabs, newlines and backslashes in values" {
  rocks_fixture
  rocks set attr Site_Motd "$(printf 'a\tb\nc\\d')"
  run --separate-stderr rocks list attr --format=tsv Site_Motd
  [ "$status" -eq 0 ]
  [ "$stderr" = "" ]
  [ "$output" = 'Site_Motd	a\tb\nc\\d	global' ]
}

@test "attributes resolve host over appliance over global" {
  rocks_fixture
  rocks set attr Site_Color blue
  rocks set attr --appliance=compute Site_Color green
  rocks set attr --host=compute-0-0 Site_Color red
  rocks add attr --appliance=compute Site_Queue batch
  run --separate-stderr rocks list attr --host=compute-0-0 --format=tsv Site_Color Site_Queue
  [ "$status" -eq 0 ]
  [ "$output" = "$(printf 'Site_Color\tred\thost\nSite_Queue\tbatch\tappliance')" ]
  run --separate-stderr rocks list attr --host=compute-0-1 --format=tsv Site_Color
  [ "$output" = "$(printf 'Site_Color\tgreen\tappliance')" ]
  run --separate-stderr rocks list attr --host=login-0-0 --format=tsv Site_Color
  [ "$output" = "$(printf 'Site_Color\tblue\tglobal')" ]
  run --separate-stderr rocks list attr --appliance=compute --format=tsv Site_Color
  [ "$output" = "$(printf 'Site_Color\tgreen\tappliance')" ]
  rocks remove attr --host=compute-0-0 Site_Color
  run --separate-stderr rocks list attr --host=compute-0-0 --format=tsv Site_Color
  [ "$output" = "$(printf 'Site_Color\tgreen\tappliance')" ]
}

@test "add attr: already set at that scope" {
  rocks_fixture
  rocks add attr Site_Color blue
  fails_unchanged "rocks: Site_Color: already set globally (use 'rocks set attr' to change it)" \
    add attr Site_Color red
}

@test "remove attr: not set at that scope" {
  rocks_fixture
  rocks set attr Site_Color blue
  fails_unchanged "rocks: Site_Color: not set for host compute-0-0" remove attr --host=compute-0-0 Site_Color
}

@test "set attr: unknown host" {
  rocks_fixture
  fails_unchanged "rocks: compute-9-9: unknown host (did you mean 'compute-0-0'?)" set attr --host=compute-9-9 Site_Color red
}

@test "set attr: unknown appliance" {
  rocks_fixture
  fails_unchanged "rocks: computer: unknown appliance (did you mean 'compute'?)" \
    set attr --appliance=computer Site_Color red
}

@test "add/set attr: a value that is not text is refused, naming the attribute" {
  rocks_fixture
  rocks set attr Site_Color blue
  local cases=(
    $'a\ab' 'value has the control character U+0007 (byte 2)'
    $'a\rb' 'value has the control character U+000D (byte 2)'
    $'\x1b[31m' 'value has the control character U+001B (byte 1)'
    $'a\x7f' 'value has the control character U+007F (byte 2)'
    $'a\xc2\x85' 'value has the control character U+0085 (byte 2)'
    $'\xef\xbf\xbe' 'value has the control character U+FFFE (byte 1)'
    $'ab\xff' 'value is not valid UTF-8 (byte 3)'
    $'\xc0\xaf' 'value is not valid UTF-8 (byte 1)'
    $'\xed\xa0\x80' 'value is not valid UTF-8 (byte 1)'
    $'caf\xc3' 'value is not valid UTF-8 (byte 4)'
  )
  set -- "${cases[@]}"
  while [ "$#" -gt 0 ]; do
    fails_unchanged "rocks: Site_Color: $2" set attr Site_Color "$1"
    fails_unchanged "rocks: Site_Size: $2" add attr --host=compute-0-0 Site_Size "$1"
    shift 2
  done
  # Tabs, line feeds and any other UTF-8 text are values like others.
  rocks set attr Site_Color $'r\tg\nb \xe2\x80\xa8 caf\xc3\xa9'
  [ "$(rocks list attr --format=tsv Site_Color | head -n 1 | cut -f1)" = Site_Color ]
}

@test "list attr masks secret attributes unless --secrets" {
  rocks_fixture
  rocks set attr Kickstart_RootPassword '$6$salt$hash'
  rocks set attr --host=compute-0-0 ipmi_password calvin
  rocks set attr Kickstart_SNMPCommunity s3cret
  rocks set attr munge_key abc
  rocks set attr Kickstart_PublicKey 'ssh-ed25519 AAAA root@frontend'
  run --separate-stderr rocks list attr --host=compute-0-0 --format=tsv \
    Kickstart_RootPassword ipmi_password Kickstart_SNMPCommunity munge_key Kickstart_PublicKey
  [ "$status" -eq 0 ]
  [ "$output" = "$(printf '%s\t%s\t%s\n' Kickstart_PublicKey 'ssh-ed25519 AAAA root@frontend' global \
    Kickstart_RootPassword '********' global Kickstart_SNMPCommunity '********' global \
    ipmi_password '********' host munge_key '********' global)" ]
  run --separate-stderr rocks list attr --host=compute-0-0 --format=tsv --secrets \
    Kickstart_RootPassword ipmi_password
  [ "$status" -eq 0 ]
  [ "$output" = "$(printf '%s\t%s\t%s\n' Kickstart_RootPassword '$6$salt$hash' global \
    ipmi_password calvin host)" ]
}

@test "set attr: an invalid attribute name" {
  rocks_fixture
  fails_unchanged "rocks: bad name: invalid attribute name" set attr "bad name" x
}

@test "attr: both scopes at once" {
  rocks_fixture
  fails_unchanged "rocks: --host and --appliance: give one scope, not both" \
    set attr --host=compute-0-0 --appliance=compute Site_Color red
}

@test "list attr: a name that is not set" {
  rocks_fixture
  fails_with "rocks: Site_Nothing: attribute not set" rocks list attr Site_Nothing
}

@test "aliases" {
  rocks_fixture
  rocks add alias nas-0-0 storage
  run --separate-stderr rocks list alias --format=tsv
  [ "$output" = "$(printf 'storage\tnas-0-0')" ]
  fails_unchanged "rocks: storage: already an alias name" add alias compute-0-0 storage
  fails_unchanged "rocks: compute-0-1: already a host name" add alias compute-0-0 compute-0-1
  rocks remove alias storage
  fails_unchanged "rocks: storage: unknown alias" remove alias storage
}

@test "an unknown command" {
  rocks_fixture
  fails_with "rocks: lsit: unknown command (did you mean 'list'?)" rocks lsit host
}

@test "an unknown noun" {
  rocks_fixture
  fails_with "rocks: list hots: unknown command (did you mean 'list host'?)" rocks list hots
}

@test "no command at all" {
  run --separate-stderr rocks
  [ "$status" -eq 1 ]
  [ "$output" = "" ]
  [ "$stderr" = "rocks: missing command
Try 'rocks --help' for more information." ]
}

@test "a MySQL error names the URL without its password" {
  run --separate-stderr rocks --db='mysql://rocks:s3cret@127.0.0.1:1/cluster' list host
  [ "$status" -eq 1 ]
  [ "$output" = "" ]
  [ "${#lines[@]}" -eq 0 ]
  [[ "$stderr" == "rocks: mysql://rocks@127.0.0.1:1/cluster: "* ]]
  [[ "$stderr" != *s3cret* ]]
  [ "$(wc -l <<<"$stderr")" -eq 1 ]
  run --separate-stderr rocks --db="mysql:///cluster?socket=$T/none.sock&password=s3cret" list host
  [ "$status" -eq 1 ]
  [[ "$stderr" == "rocks: mysql:///cluster?socket=$T/none.sock: "* ]]
  [[ "$stderr" != *s3cret* ]]
  fails_with "rocks: mysql://rocks@db:http/cluster: invalid port" rocks --db='mysql://rocks:s3cret@db:http/cluster' list host
}

@test "--db overrides ROCKS_DB" {
  rocks_fixture
  fails_with "rocks: sqlite:$T/other.db: no cluster database here (run 'rocks init')" rocks --db="sqlite:$T/other.db" list host
}

@test "ROCKS_CONF names the database when ROCKS_DB is unset" {
  sqlite_only "the URL is a file path"
  printf 'database = sqlite:%s/conf.db\n' "$T" >"$ROCKS_CONF"
  unset ROCKS_DB
  rocks init --frontend=fromconf
  run --separate-stderr rocks list host --format=tsv
  [ "$status" -eq 0 ]
  [ "$output" = "$(printf 'fromconf\tfrontend\t0\t0\t1\tos\t10.1.1.1\t\t')" ]
  [ -f "$T/conf.db" ]
}

@test "a missing ROCKS_CONF file is an error" {
  export ROCKS_CONF=$T/nope.conf
  fails_with "rocks: $T/nope.conf: No such file or directory" rocks list host
}

@test "a malformed ROCKS_CONF line is an error naming the line" {
  printf '# comment\ndatabase sqlite:/x\n' >"$ROCKS_CONF"
  fails_with "rocks: $ROCKS_CONF:2: expected 'key = value'" rocks list host
}

@test "an unknown ROCKS_CONF key is an error naming the line and the closest key" {
  printf '# comment\ndb_timeout = 1\ndatabse = sqlite:/x\n' >"$ROCKS_CONF"
  run --separate-stderr rocks list host
  [ "$status" -eq 1 ]
  [ "$output" = "" ]
  [ "$stderr" = "rocks: $ROCKS_CONF:3: unknown key 'databse' (did you mean 'database'?)" ]
}

@test "an unknown ROCKS_CONF key with no close one" {
  printf 'web_root = /var/www\n' >"$ROCKS_CONF"
  run --separate-stderr rocks list host
  [ "$status" -eq 1 ]
  [ "$output" = "" ]
  [ "$stderr" = "rocks: $ROCKS_CONF:1: unknown key 'web_root'" ]
}

@test "an unknown database URL scheme" {
  fails_with "rocks: postgres://x/cluster: unknown database URL (expected sqlite:PATH or mysql://...)" rocks --db=postgres://x/cluster list host
}

@test "SQLite: a database path that is a directory" {
  sqlite_only "a file path"
  mkdir "$T/dir.db"
  fails_with "rocks: $T/dir.db: is a directory" rocks --db="sqlite:$T/dir.db" list host
}

@test "SQLite: a file that is not a database is left alone" {
  sqlite_only "a file path"
  printf 'not a database at all, just text that is long enough to fill a header\n%.0s' 1 2 3 4 5 6 7 8 >"$T/junk.db"
  cp "$T/junk.db" "$T/junk.orig"
  fails_with "rocks: $T/junk.db: file is not a database" rocks --db="sqlite:$T/junk.db" list host
  cmp "$T/junk.db" "$T/junk.orig"
}

@test "SQLite: a database in a directory that does not exist" {
  sqlite_only "a file path"
  fails_with "rocks: $T/no/such/dir/c.db: cannot create the database: $T/no/such/dir: No such file or directory" rocks --db="sqlite:$T/no/such/dir/c.db" init
  [ ! -e "$T/no" ]
}

@test "SQLite: a database in a directory that is not writable" {
  sqlite_only "a file path"
  mkdir -m 0555 "$T/ro"
  # root writes anywhere: the check runs as nobody.
  ROCKS_CONF= run --separate-stderr setpriv --reuid=nobody --regid=nogroup --clear-groups \
    "$ROCKS_BUILDDIR/rocks" --db="sqlite:$T/ro/c.db" init
  [ "$status" -eq 1 ]
  [ "$output" = "" ]
  [ "$stderr" = "rocks: $T/ro/c.db: cannot create the database: $T/ro: Permission denied" ]
  [ -z "$(ls -A "$T/ro")" ]
}

@test "SQLite: init creates the database readable and writable by its group" {
  sqlite_only "a file mode"
  umask 077
  rocks init
  [ "$(stat -c %a "${ROCKS_DB#sqlite:}")" = 660 ]
}

@test "SQLite: a database locked by another writer" {
  sqlite_only "file locking"
  rocks_fixture
  before=$(db_dump)
  mkfifo "$T/hold"
  # Another process takes the write lock and keeps it until told to stop.
  (sqlite3 "${ROCKS_DB#sqlite:}" <"$T/hold" >/dev/null) &
  exec 5>"$T/hold"
  echo 'BEGIN EXCLUSIVE; UPDATE hosts SET cpus = cpus;' >&5
  sleep 0.3
  run --separate-stderr rocks add host compute-0-9 appliance=compute
  echo 'ROLLBACK;' >&5
  exec 5>&-
  wait
  [ "$status" -eq 1 ]
  [ "$output" = "" ]
  [ "$stderr" = "rocks: ${ROCKS_DB#sqlite:}: database is locked" ]
  [ "$(db_dump)" = "$before" ]
}

@test "MySQL: an unreachable server" {
  fails_with "rocks: mysql:///cluster?socket=$T/no-server.sock: Can't connect to local server through socket '$T/no-server.sock' (2)" rocks --db="mysql:///cluster?socket=$T/no-server.sock" list host
}

@test "MySQL: an unreachable TCP port" {
  fails_with "rocks: mysql://rocks@127.0.0.1:1/cluster: Can't connect to server on '127.0.0.1' (115)" rocks --db="mysql://rocks@127.0.0.1:1/cluster" list host
}

@test "MySQL: a URL without a database name" {
  fails_with "rocks: mysql://127.0.0.1: missing database name" rocks --db="mysql://127.0.0.1" list host
}

@test "host names are case-insensitive: a name differing only in case is taken" {
  rocks_fixture
  fails_unchanged "rocks: compute-0-0: host already exists" add host Compute-0-0 appliance=compute
}

@test "host names are stored in lower case and found in any case" {
  rocks_fixture
  rocks add host GPU-0-0 appliance=compute
  run --separate-stderr rocks list host --format=tsv Gpu-0-0
  [ "$status" -eq 0 ]
  [ "$output" = "$(printf 'gpu-0-0\tcompute\t0\t2\t1\tos\t\t\t')" ]
}

@test "a bad command is reported before the database is opened" {
  fails_with "rocks: list appliances: unknown command (did you mean 'list appliance'?)" rocks --db="sqlite:$T/no/such/dir/c.db" list appliances
}

@test "a verb without its noun" {
  fails_with "rocks: remove: missing noun (expected one of: host, network, appliance, alias, attr, roll, route, firewall)" rocks remove
}

@test "a noun that goes only with vm" {
  fails_with "rocks: start host: missing noun (expected one of: vm)" rocks start host
  fails_with "rocks: create host vn: unknown command (did you mean 'create host vm'?)" rocks --db="sqlite:$T/no/such/dir/c.db" create host vn compute-0-0
}

# The commands of the --help synopsis, one a line: the lowercase words
# after "rocks [options]" (VERB, NOUN, the word after the noun).
help_commands() {
  rocks --help | awk '$1 == "rocks" && $2 == "[options]" {
    line = $3
    for (i = 4; i <= NF && $i ~ /^[a-z]+$/; i++) line = line " " $i
    print line
  }' | sort -u
}

# For each line PREFIX of stdin, the words the bash completion offers
# after "rocks PREFIX ", as lines "PREFIX: WORD".
completions() {
  bash -c '. "$1/share/completion/rocks"
    while IFS= read -r prefix; do
      COMP_LINE="rocks $prefix " COMP_POINT=${#COMP_LINE}
      _rocks
      for w in "${COMPREPLY[@]}"; do printf "%s: %s\n" "$prefix" "$w"; done
    done' bash "$ROCKS_SRCDIR"
}

# The words of the "(expected one of: ...)" of rocks' error for its words $@.
expected_words() {
  run --separate-stderr rocks "$@"
  sed -n 's/.*(expected one of: \(.*\))$/\1/p' <<<"$stderr" | tr -d ' ' | tr , '\n'
}

@test "every command of --help is rocks' own and its completion's, and every verb and noun of rocks is in --help" {
  local problems=() line verb noun word prefix verbs all
  local -a w
  local -A offered nouns
  mapfile -t commands < <(help_commands)
  [ "${#commands[@]}" -gt 40 ]
  all=$'\n'$(printf '%s\n' "${commands[@]}")$'\n'
  # What the completion offers after each command's first words.
  while IFS= read -r line; do offered[$line]=1; done < <(
    for line in "${commands[@]}"; do
      read -ra w <<<"$line"
      printf '\n'
      [ "${#w[@]}" -lt 2 ] || printf '%s\n' "${w[0]}"
      [ "${#w[@]}" -lt 3 ] || printf '%s\n' "${w[0]} ${w[1]}"
    done | sort -u | completions)
  for line in "${commands[@]}"; do
    read -ra w <<<"$line"
    prefix=
    for word in "${w[@]}"; do
      [ -n "${offered["$prefix: $word"]:-}" ] ||
        problems+=("$line: the completion offers no '$word' after 'rocks $prefix'")
      prefix="${prefix:+$prefix }$word"
    done
  done
  # rocks' own lists of its verbs, and of each verb's nouns.
  verbs=$(expected_words zzzzzzzz)
  [ -n "$verbs" ]
  for verb in $verbs; do
    [[ $all == *$'\n'"$verb"[$' \n']* ]] || problems+=("$verb: a verb of rocks, not in --help")
    # A verb alone runs; only one that takes nouns is asked for them.
    [[ $all == *$'\n'"$verb"$'\n'* ]] && continue
    nouns[$verb]=" $(expected_words "$verb" | tr '\n' ' ')"
    for noun in ${nouns[$verb]}; do
      [ "$verb $noun" = "list subnet" ] && continue # Rocks 6's list network
      [[ $all == *$'\n'"$verb $noun"[$' \n']* ]] ||
        problems+=("$verb $noun: a command of rocks, not in --help")
    done
  done
  for line in "${commands[@]}"; do
    read -ra w <<<"$line"
    [[ $'\n'$verbs$'\n' == *$'\n'"${w[0]}"$'\n'* ]] || problems+=("$line: not a verb of rocks")
    [ "${#w[@]}" -lt 2 ] || [[ ${nouns[${w[0]}]:-} == *" ${w[1]} "* ]] ||
      problems+=("$line: not a noun of rocks' '${w[0]}'")
  done
  printf '%s\n' "${problems[@]}"
  [ "${#problems[@]}" -eq 0 ]
}

@test "a database the previous release made migrates forward by itself, keeping everything" {
  sqlite_only "the fixture is an SQLite dump of schema version 2"
  sqlite3 "$T/cluster.db" <"$ROCKS_SRCDIR/t/data/schema/v2.sql"
  run --separate-stderr rocks list host interface
  [ "$status" -eq 0 ]
  [ "$stderr" = "" ]
  [ "$output" = "$(printf '%s\n' \
    'frontend	eth0	private	10.1.1.1	52:54:00:00:00:01					' \
    'frontend	eth1	public	192.168.1.1	52:54:00:00:01:01					' \
    'compute-0-0	eth0	private	10.255.255.254	52:54:00:00:00:10					' \
    'compute-0-1	eth0	private	10.255.255.253	52:54:00:00:00:11					' \
    'compute-0-1	eth1	public	192.168.1.20	52:54:00:00:02:11	e1000	cpub-0-1			' \
    'login-0-0	eth0	private	10.255.255.251	52:54:00:00:00:20					')" ]
  [ "$(sqlite3 "$T/cluster.db" 'SELECT version FROM schema_info')" = 4 ]
  [ "$(sqlite3 "$T/cluster.db" 'SELECT name, dhcp, pxe, dns, gateway IS NULL FROM subnets ORDER BY id')" = "private|1|1|1|1
public|0|0|0|1" ]
  run rocks list attr --host=compute-0-1
  [ "$status" -eq 0 ]
  [[ "$output" == *$'power\tipmi\thost'* ]]
  [[ "$output" == *$'Kickstart_Lang\tde_DE.UTF-8\tappliance'* ]]
  [[ "$output" == *$'site_note\tkept across upgrades\tglobal'* ]]
  run rocks list host compute-0-0
  [ "$output" = "$(printf 'compute-0-0\tcompute\t0\t0\t4\tinstall\t10.255.255.254\t52:54:00:00:00:10\t')" ]
  run rocks list alias
  [ "$output" = "$(printf 'node0\tcompute-0-0')" ]
}

# A node with two NICs for a bond and one for a VLAN, as the daytwo tests
# and the kickstart tests build it.
bond_fixture() {
  rocks_fixture
  rocks add host interface compute-0-0 ens1f0 mac=52:54:00:00:00:a0
  rocks add host interface compute-0-0 ens1f1 mac=52:54:00:00:00:a1
}

@test "add host interface: a bond with its options and slaves, a VLAN on its parent" {
  bond_fixture
  run --separate-stderr rocks add host interface compute-0-0 bond0 network=public \
    ip=192.168.1.50 mode=802.3ad miimon=100 slaves=ens1f0,ens1f1
  [ "$status" -eq 0 ]
  [ "$stderr" = "" ]
  rocks add host interface compute-0-0 bond0.100 vlan=100 parent=bond0
  run --separate-stderr rocks list host interface --format=table compute-0-0
  [ "$output" = "HOST        DEVICE    SUBNET  IP             MAC               MODULE NAME VLAN PARENT OPTIONS
compute-0-0 bond0     public  192.168.1.50   -                 -      -    -    -      mode=802.3ad miimon=100
compute-0-0 bond0.100 -       -              -                 -      -    100  bond0  -
compute-0-0 ens1f0    -       -              52:54:00:00:00:a0 -      -    -    bond0  -
compute-0-0 ens1f1    -       -              52:54:00:00:00:a1 -      -    -    bond0  -
compute-0-0 eth0      private 10.255.255.254 52:54:00:00:00:10 -      -    -    -      -" ]
}

@test "add host interface: VLAN id out of range, missing parent, slave that does not exist" {
  bond_fixture
  fails_unchanged "rocks: vlan=4095: invalid number (expected 1 to 4094)" \
    add host interface compute-0-0 ens1f0.4095 vlan=4095 parent=ens1f0
  fails_unchanged "rocks: vlan=0: invalid number (expected 1 to 4094)" \
    add host interface compute-0-0 ens1f0.0 vlan=0 parent=ens1f0
  fails_unchanged "rocks: parent=ens9: compute-0-0 has no interface ens9" \
    add host interface compute-0-0 ens9.5 vlan=5 parent=ens9
  fails_unchanged "rocks: slaves=ens1f0,ens1f9: compute-0-0 has no interface ens1f9" \
    add host interface compute-0-0 bond0 mode=802.3ad slaves=ens1f0,ens1f9
  fails_unchanged "rocks: mac=52:54:00:00:00:11: already used by compute-0-1" \
    add host interface compute-0-0 ens2 mac=52:54:00:00:00:11 network=public
  fails_unchanged "rocks: ip=192.168.1.1: already used by frontend" \
    add host interface compute-0-0 ens2 ip=192.168.1.1 network=public
}

@test "set host interface changes an interface, all or nothing" {
  bond_fixture
  run --separate-stderr rocks set host interface compute-0-0 ens1f1 ip=192.168.1.60 \
    network=public module=mlx5_core name=c00-pub
  [ "$status" -eq 0 ]
  [ "$stderr" = "" ]
  run rocks list host interface --format=tsv compute-0-0
  [ "${lines[1]}" = "$(printf 'compute-0-0\tens1f1\tpublic\t192.168.1.60\t52:54:00:00:00:a1\tmlx5_core\tc00-pub\t\t\t')" ]
  fails_unchanged "rocks: ip=10.255.255.253: already used by compute-0-1" \
    set host interface compute-0-0 ens1f1 module=e1000 ip=10.255.255.253
  fails_unchanged "rocks: mac=52:54:00:00:00:01: already used by frontend" \
    set host interface compute-0-0 ens1f1 module=e1000 mac=52:54:00:00:00:01
  fails_unchanged "rocks: vlan=9999: invalid number (expected 1 to 4094)" \
    set host interface compute-0-0 ens1f1 vlan=9999
  fails_unchanged "rocks: compute-0-0: no interface ens7" \
    set host interface compute-0-0 ens7 ip=192.168.1.61
  fails_unchanged "rocks: speed=10: unknown key (expected mac, ip, subnet, network, device, module, vlan, parent, channel, options, name, slaves or a bond option: mode, miimon, ...)" \
    set host interface compute-0-0 ens1f1 speed=10
  fails_unchanged "rocks: set host interface: missing argument" set host interface compute-0-0 ens1f1
}

@test "set host interface: Rocks 6's one field at a time, channel and options among them" {
  bond_fixture
  rocks add host interface compute-0-0 bond0
  rocks set host interface ip compute-0-0 iface=bond0 ip=10.1.255.254
  rocks set host interface subnet compute-0-0 bond0 private
  rocks set host interface module compute-0-0 iface=bond0 module=bonding
  rocks set host interface channel compute-0-0 iface=ens1f0 channel=bond0
  rocks set host interface channel compute-0-0 ens1f1 bond0
  rocks set host interface options compute-0-0 iface=bond0 options="miimon=100 mode=balance-rr"
  run rocks list host interface --format=tsv compute-0-0
  [ "$output" = "$(printf '%s\n' \
    'compute-0-0	bond0	private	10.1.255.254		bonding				miimon=100 mode=balance-rr' \
    'compute-0-0	ens1f0			52:54:00:00:00:a0				bond0	' \
    'compute-0-0	ens1f1			52:54:00:00:00:a1				bond0	' \
    'compute-0-0	eth0	private	10.255.255.254	52:54:00:00:00:10					')" ]
}

@test "add host and set host take memory=, and list host shows it" {
  rocks_fixture
  rocks set host compute-0-0 memory=2048
  run rocks list host --format=tsv compute-0-0
  [ "$output" = "$(printf 'compute-0-0\tcompute\t0\t0\t4\tos\t10.255.255.254\t52:54:00:00:00:10\t2048')" ]
}
