#!/usr/bin/env bats
# rocks add/set/remove/list network and appliance: the networks and the
# kinds of node a real cluster has, on SQLite and (under t/mariadb.test)
# on MariaDB.

bats_require_minimum_version 1.5.0
load helper

setup() {
  rocks_setup
  rocks init --private-network=10.1.0.0/16 --private-address=10.1.1.1 \
    --private-mac=52:54:00:00:00:01
}
teardown() { rocks_teardown; }

@test "add network: a BMC and an InfiniBand network beside private and public" {
  run --separate-stderr rocks add network ib address=10.2.0.0/16 mtu=65520
  [ "$status" -eq 0 ]
  [ "$output" = "" ]
  [ "$stderr" = "" ]
  rocks add network ipmi subnet=10.3.0.0 netmask=255.255.0.0 dnszone=bmc.local \
    servedns=no gateway=10.3.0.254
  run --separate-stderr rocks list network --format=table
  [ "$status" -eq 0 ]
  [ "$output" = "NETWORK ADDRESS     NETMASK       PREFIX ZONE        MTU   DHCP PXE DNS GATEWAY
ib      10.2.0.0    255.255.0.0   16     ib          65520 no   no  yes -
ipmi    10.3.0.0    255.255.0.0   16     bmc.local   1500  no   no  no  10.3.0.254
private 10.1.0.0    255.255.0.0   16     local       1500  yes  yes yes -
public  192.168.1.0 255.255.255.0 24     example.org 1500  no   no  no  -" ]
  run --separate-stderr rocks list network ib
  [ "$output" = "$(printf 'ib\t10.2.0.0\t255.255.0.0\t16\tib\t65520\tno\tno\tyes\t')" ]
}

@test "set network: changes only the keys given" {
  rocks add network ib address=10.2.0.0/16
  run --separate-stderr rocks set network ib mtu=4092 dhcp=yes gateway=10.2.0.1
  [ "$status" -eq 0 ]
  [ "$stderr" = "" ]
  run rocks list network ib
  [ "$output" = "$(printf 'ib\t10.2.0.0\t255.255.0.0\t16\tib\t4092\tyes\tno\tyes\t10.2.0.1')" ]
  rocks set network ib gateway=none
  run rocks list network ib
  [ "$output" = "$(printf 'ib\t10.2.0.0\t255.255.0.0\t16\tib\t4092\tyes\tno\tyes\t')" ]
}

@test "set network private: the private address attributes follow" {
  rocks set network private prefix=17 zone=cluster
  run rocks list attr Kickstart_PrivateNetmask Kickstart_PrivateNetmaskCIDR \
    Kickstart_PrivateBroadcast Kickstart_PrivateDNSDomain
  [ "$output" = "$(printf '%s\n' 'Kickstart_PrivateBroadcast	10.1.127.255	global' \
    'Kickstart_PrivateDNSDomain	cluster	global' \
    'Kickstart_PrivateNetmask	255.255.128.0	global' \
    'Kickstart_PrivateNetmaskCIDR	17	global')" ]
}

@test "remove network: a network nothing uses" {
  rocks add network ib address=10.2.0.0/16
  run --separate-stderr rocks remove network ib
  [ "$status" -eq 0 ]
  [ "$stderr" = "" ]
  run rocks list network --format=tsv
  [ "$(cut -f1 <<<"$output" | tr '\n' ' ')" = "private public " ]
}

@test "add network: overlapping networks are refused" {
  fails_unchanged "rocks: address=10.1.128.0/17: overlaps network private (10.1.0.0/16)" \
    add network ib address=10.1.128.0/17
  fails_unchanged "rocks: address=10.0.0.0/8: overlaps network private (10.1.0.0/16)" \
    add network ib address=10.0.0.0/8
}

@test "add network: an MTU out of range is refused" {
  fails_unchanged "rocks: mtu=67: invalid number (expected 68 to 65535)" add network ib address=10.2.0.0/16 mtu=67
  fails_unchanged "rocks: mtu=65536: invalid number (expected 68 to 65535)" add network ib address=10.2.0.0/16 mtu=65536
  fails_unchanged "rocks: mtu=big: invalid number (expected 68 to 65535)" add network ib address=10.2.0.0/16 mtu=big
}

@test "add network: a gateway outside the network is refused" {
  fails_unchanged "rocks: gateway=10.9.0.1: not a host address of network ib (10.2.0.0/16)" \
    add network ib address=10.2.0.0/16 gateway=10.9.0.1
  fails_unchanged "rocks: gateway=10.2.255.255: not a host address of network ib (10.2.0.0/16)" \
    add network ib address=10.2.0.0/16 gateway=10.2.255.255
}

@test "add network: host bits, a missing prefix and a bad prefix are refused" {
  fails_unchanged "rocks: address=10.2.0.1/16: host bits set in network address" \
    add network ib address=10.2.0.1/16
  fails_unchanged "rocks: ib: missing prefix= (a network needs its address and prefix)" \
    add network ib address=10.2.0.0
  fails_unchanged "rocks: ib: missing address= (a network needs its address and prefix)" \
    add network ib prefix=16
  fails_unchanged "rocks: prefix=31: invalid number (expected 1 to 30)" \
    add network ib address=10.2.0.0 prefix=31
  fails_unchanged "rocks: netmask=255.0.255.0: invalid netmask" \
    add network ib address=10.2.0.0 netmask=255.0.255.0
}

@test "add network: PXE without DHCP, a taken zone and bad flags are refused" {
  fails_unchanged "rocks: pxe=yes: network ib needs dhcp=yes to boot nodes" \
    add network ib address=10.2.0.0/16 pxe=yes
  fails_unchanged "rocks: zone=local: already the DNS zone of network private" \
    add network ib address=10.2.0.0/16 zone=local
  fails_unchanged "rocks: dns=maybe: expected yes or no" add network ib address=10.2.0.0/16 dns=maybe
  fails_unchanged "rocks: zone=-x: invalid DNS zone" add network ib address=10.2.0.0/16 zone=-x
  fails_unchanged "rocks: vlan: unknown key (expected address, prefix, netmask, mtu, zone, dhcp, pxe, dns or gateway)" \
    add network ib address=10.2.0.0/16 vlan=5
}

@test "add network: a bad or taken name is refused" {
  fails_unchanged "rocks: 1b: invalid network name (a letter, then letters, digits, '-' or '_')" \
    add network 1b address=10.2.0.0/16
  fails_unchanged "rocks: public: network already exists" add network public address=10.2.0.0/16
}

@test "set network: a new prefix must keep every interface inside" {
  fails_unchanged "rocks: address=10.1.0.0/24: frontend eth0 (10.1.1.1) would be outside network private" \
    set network private prefix=24
}

@test "set network: nothing to change, or an unknown network" {
  fails_unchanged "rocks: set network private: nothing to change (give KEY=VALUE)" set network private
  fails_unchanged "rocks: privat: unknown network (did you mean 'private'?)" set network privat mtu=9000
}

@test "remove network: fails_unchanged while an interface uses it" {
  fails_unchanged "rocks: network private: still used by 1 interface (frontend eth0)" \
    remove network private
  fails_unchanged "rocks: ibb: unknown network" remove network ibb
}

@test "add appliance: a new appliance works at once" {
  run --separate-stderr rocks add appliance gpu short=g node=compute compute=yes
  [ "$status" -eq 0 ]
  [ "$stderr" = "" ]
  rocks add appliance storage short-name=st public=no
  run rocks list appliance --format=tsv
  [[ "$output" == *$'gpu\tg\tdefault\tcompute\tyes\tyes'* ]]
  [[ "$output" == *$'storage\tst\tdefault\tstorage\tno\tno'* ]]
  rocks add host gpu-0-0 appliance=gpu mac=52:54:00:00:00:09 ip=10.1.255.1
  run rocks list host gpu-0-0
  [ "$output" = "$(printf 'gpu-0-0\tgpu\t0\t0\t1\tos\t10.1.255.1\t52:54:00:00:00:09\t')" ]
  run dbreport hosts
  [[ "$output" == *$'10.1.255.1\tgpu-0-0.local gpu-0-0 g0-0'* ]]
}

@test "set appliance: changes only the keys given" {
  rocks add appliance gpu compute=yes
  rocks set appliance gpu public=no node=compute short=g
  run rocks list appliance --format=tsv
  [[ "$output" == *$'gpu\tg\tdefault\tcompute\tno\tyes'* ]]
}

@test "remove appliance: its attributes go with it" {
  rocks add appliance gpu
  rocks set attr --appliance=gpu Kickstart_Lang de_DE.UTF-8
  run --separate-stderr rocks remove appliance gpu
  [ "$status" -eq 0 ]
  [ "$stderr" = "" ]
  [ "$(sql "SELECT COUNT(*) FROM attributes WHERE scope = 'appliance'")" = 0 ]
  run rocks list appliance --format=tsv
  [[ "$output" != *gpu* ]]
}

@test "remove appliance: fails_unchanged while hosts use it, and for the frontend's" {
  rocks add host compute-0-0 appliance=compute mac=52:54:00:00:00:10 ip=10.1.255.254
  fails_unchanged "rocks: appliance compute: still used by 1 host (compute-0-0)" \
    remove appliance compute
  fails_unchanged "rocks: appliance frontend: the frontend's appliance cannot be removed" \
    remove appliance frontend
}

@test "add appliance: bad names, keys and taken short names are refused" {
  fails_unchanged "rocks: GPU: invalid appliance name (lower-case letters, digits and '-', a letter first)" \
    add appliance GPU
  fails_unchanged "rocks: compute: appliance already exists" add appliance compute
  fails_unchanged "rocks: short=c: already the short name of appliance compute" \
    add appliance gpu short=c
  fails_unchanged "rocks: short=G!: invalid short name (lower-case letters, digits and '-', at most 16)" \
    add appliance gpu short=G!
  fails_unchanged "rocks: public=sometimes: expected yes or no" add appliance gpu public=sometimes
  fails_unchanged "rocks: membership: unknown key (expected short, node, graph, public or compute)" \
    add appliance gpu membership=x
  fails_unchanged "rocks: gpu: unknown appliance" set appliance gpu public=no
}

@test "dump: a rebuilt database dumps the same, byte for byte" {
  rocks add network ib address=172.16.0.0/16 mtu=65520 dhcp=yes
  rocks add network bmc address=172.17.0.0/24 zone=bmc dns=no gateway=172.17.0.254
  rocks add appliance gpu short=g compute=yes
  rocks remove appliance power
  rocks add host interface frontend device=ib0 ip=172.16.0.1
  rocks add host gpu-0-0 appliance=gpu mac=52:54:00:00:00:09 ip=10.1.255.1 cpus=8
  rocks add host interface gpu-0-0 device=ib0 ip=172.16.0.9 mac=52:54:00:00:0a:09
  rocks add host interface gpu-0-0 device=bmc ip=172.17.0.9 name=gpu-0-0-bmc \
    module=ipmi_si
  rocks add host compute-0-0 appliance=compute mac=52:54:00:00:00:10 ip=10.1.255.254 \
    action=install comment="rack 0, left"
  rocks add host pdu-0-0 appliance=network
  rocks add host vm-container-0-0 appliance=vm-container mac=52:54:00:00:00:20
  rocks add host compute-0-0-1 appliance=compute rack=0 rank=1 mac=52:54:00:00:00:21
  rocks set host vm compute-0-0-1 container=vm-container-0-0 slice=3 mem=2G cpus=2 disk=40G
  rocks add alias gpu-0-0 g0
  rocks set attr site_note "kept; with 'quotes' and \$dollars"
  rocks set attr --appliance=gpu Kickstart_Lang de_DE.UTF-8
  rocks set attr --host=gpu-0-0 -- power_note "-starts with a dash"
  rocks add route 192.168.50.0/24 gateway=10.1.1.254
  rocks add route --appliance=gpu 172.20.0.0/16 network=ib
  rocks add route --host=gpu-0-0 172.21.0.0/16 gateway=172.16.0.254
  rocks add firewall --appliance=gpu slurmd port=6818 protocol=tcp network=private action=accept
  rocks add firewall ssh-in service=ssh action=accept
  rocks remove firewall --appliance=login snmp
  rocks add firewall --appliance=login snmp port=161-162 protocol=udp network=private action=accept
  run --separate-stderr rocks dump
  [ "$status" -eq 0 ]
  [ "$stderr" = "" ]
  printf '%s\n' "$output" >"$T/first"
  grep -qxF "rocks set host vm compute-0-0-1 container=vm-container-0-0 slice=3 mem=2048 cpus=2 disk=40960" "$T/first"
  # A fresh database from the same init, the dump run on it.
  rocks_teardown
  rocks_setup
  [ "${ROCKS_TEST_ENGINE:-sqlite}" = mysql ] || export ROCKS_DB=sqlite:$T/second.db
  rocks init --private-network=10.1.0.0/16 --private-address=10.1.1.1 \
    --private-mac=52:54:00:00:00:01
  run --separate-stderr bash -e "$T/first"
  [ "$status" -eq 0 ]
  [ "$stderr" = "" ]
  run --separate-stderr rocks dump
  [ "$status" -eq 0 ]
  diff -u "$T/first" <(printf '%s\n' "$output")
}

@test "set host vm records a host's slice of its container, in the database only" {
  rocks add host vm-container-0-0 appliance=vm-container mac=52:54:00:00:00:20
  rocks add host compute-0-0-1 appliance=compute mac=52:54:00:00:00:21
  run --separate-stderr rocks set host vm compute-0-0-1 container=vm-container-0-0
  [ "$status" -eq 0 ]
  [ "$output" = "" ]
  [ "$stderr" = "" ]
  [ "$(sql "SELECT v.slice, v.mem, v.cpus, v.disk FROM vm_slices v JOIN hosts h ON h.id = v.host WHERE h.name = 'compute-0-0-1'")" = "$(printf '1\t1024\t1\t36864')" ]
  rocks set host vm compute-0-0-1 mem=4G cpus=4
  [ "$(sql "SELECT v.slice, v.mem, v.cpus, v.disk FROM vm_slices v JOIN hosts h ON h.id = v.host WHERE h.name = 'compute-0-0-1'")" = "$(printf '1\t4096\t4\t36864')" ]
  # A second VM takes the next free slice.
  rocks add host compute-0-0-2 appliance=compute mac=52:54:00:00:00:22
  rocks set host vm compute-0-0-2 container=vm-container-0-0
  [ "$(sql "SELECT v.slice FROM vm_slices v JOIN hosts h ON h.id = v.host WHERE h.name = 'compute-0-0-2'")" = 2 ]
}

@test "set host vm: unknown host, no VM yet, a host that cannot be a VM, nothing to set" {
  rocks add host vm-container-0-0 appliance=vm-container mac=52:54:00:00:00:20
  rocks add host compute-0-0 appliance=compute mac=52:54:00:00:00:21
  fails_unchanged "rocks: set host vm: missing HOST" set host vm
  fails_unchanged "rocks: set host vm: compute-9-9: unknown host" set host vm compute-9-9 mem=1G
  fails_unchanged "rocks: set host vm: compute-0-0: not a VM yet (give container=)" \
    set host vm compute-0-0 mem=1G
  fails_unchanged "rocks: set host vm: compute-0-0: nothing to set" set host vm compute-0-0
  fails_unchanged "rocks: set host vm: vm-container-0-0: a vm-container host is no VM" \
    set host vm vm-container-0-0 container=vm-container-0-0
  fails_unchanged "rocks: set host vm: frontend: a frontend host is no VM" \
    set host vm frontend container=vm-container-0-0
}

@test "set host vm: a container that is none, a taken slice, bad figures, an unknown key" {
  rocks add host vm-container-0-0 appliance=vm-container mac=52:54:00:00:00:20
  rocks add host compute-0-0 appliance=compute mac=52:54:00:00:00:21
  rocks add host compute-0-1 appliance=compute mac=52:54:00:00:00:22
  rocks set host vm compute-0-0 container=vm-container-0-0 slice=1
  fails_unchanged "rocks: set host vm: compute-0-0: not a VM container (appliance compute)" \
    set host vm compute-0-1 container=compute-0-0
  fails_unchanged "rocks: set host vm: vm-container-9-9: unknown host" \
    set host vm compute-0-1 container=vm-container-9-9
  fails_unchanged "rocks: set host vm: vm-container-0-0: slice 1 is compute-0-0's" \
    set host vm compute-0-1 container=vm-container-0-0 slice=1
  fails_unchanged "rocks: set host vm: slice=0: invalid number (expected 1 to 4096)" \
    set host vm compute-0-0 slice=0
  fails_unchanged "rocks: set host vm: mem=lots: invalid size (expected MiB, or a number with M, G or T)" \
    set host vm compute-0-0 mem=lots
  fails_unchanged "rocks: set host vm: cpus=0: invalid number (expected 1 to 4096)" \
    set host vm compute-0-0 cpus=0
  fails_unchanged "rocks: set host vm: ip=10.1.0.9: unknown key (expected container, slice, mem, cpus or disk)" \
    set host vm compute-0-0 ip=10.1.0.9
}

@test "dump takes no argument" {
  fails_unchanged "rocks: dump: unexpected argument 'hosts'" dump hosts
}
