#!/usr/bin/env bats
# rocks add/list/remove route and firewall: static routes and firewall
# rules at global, appliance and host scope, and what they become in a
# host's kickstart (NetworkManager routes, firewalld policies, the
# frontend's masquerading), on SQLite and (under t/mariadb.test) MariaDB.

bats_require_minimum_version 1.5.0
load helper

setup() { rocks_setup; }
teardown() { rocks_teardown; }

# The kickstart of a host, as kickstart.cgi would send it (the frontend's
# node file needs the distribution's URL and a root password, which a
# frontend's installer is given).
host_kickstart() {
  kpp --profile="$(shipped_profile)" --host="$1" \
    --attr='Kickstart_RootPassword=$6$rocks$x' \
    --attr=Kickstart_DistURL=http://192.168.1.2/install/rocks-dist | kgen
}

# The content of the file a kickstart's %post writes to $2 ($1: the
# kickstart), as kgen's here-document holds it.
written_file() {
  awk -v f="$2" '$0 == "cat >" f " <<'"'"'ROCKS_EOF'"'"'" { on = 1; next }
    on && $0 == "ROCKS_EOF" { exit } on' "$1"
}

@test "routes at global, appliance and host scope; a host's listing resolves them" {
  rocks_fixture
  rocks add route 10.2.0.0/16 gateway=10.1.1.254
  rocks add route 10.3.0.0/16 gateway=10.1.1.254
  rocks add route --appliance=compute 10.3.0.0/255.255.0.0 network=private
  rocks add route --host=compute-0-0 10.2.0.0/16 gateway=10.1.1.253
  rocks add route --host=compute-0-0 0.0.0.0/0 gateway=192.168.1.254
  run --separate-stderr rocks list route --host=compute-0-0 --format=table
  [ "$status" -eq 0 ]
  [ "$stderr" = "" ]
  [ "$output" = "DESTINATION GATEWAY       NETWORK SCOPE
0.0.0.0/0   192.168.1.254 -       host
10.2.0.0/16 10.1.1.253    -       host
10.3.0.0/16 -             private appliance" ]
  run --separate-stderr rocks list route --appliance=compute
  [ "$output" = "$(printf '10.2.0.0/16\t10.1.1.254\t\tglobal\n10.3.0.0/16\t\tprivate\tappliance')" ]
  run --separate-stderr rocks list route
  [ "$output" = "$(printf '10.2.0.0/16\t10.1.1.254\t\tglobal\n10.3.0.0/16\t10.1.1.254\t\tglobal')" ]
}

@test "the frontend's own routes are listed" {
  rocks_fixture
  rocks add route 10.2.0.0/16 gateway=10.1.1.254
  rocks add route --appliance=frontend 172.20.0.0/16 gateway=192.168.1.254
  run --separate-stderr rocks list route --host=frontend
  [ "$status" -eq 0 ]
  [ "$output" = "$(printf '10.2.0.0/16\t10.1.1.254\t\tglobal\n172.20.0.0/16\t192.168.1.254\t\tappliance')" ]
}

@test "routes in the Rocks 6 spelling: add host route, address= netmask= gateway=" {
  rocks_fixture
  rocks add route address=10.2.0.0 netmask=255.255.0.0 gateway=10.1.1.254
  rocks add host route compute-0-0 address=10.9.9.9 gateway=private
  rocks add appliance route login address=10.4.0.0 netmask=255.255.0.0 gateway=10.1.1.254
  run --separate-stderr rocks list host route compute-0-0
  [ "$status" -eq 0 ]
  [ "$output" = "$(printf '10.2.0.0/16\t10.1.1.254\t\tglobal\n10.9.9.9/32\t\tprivate\thost')" ]
  run --separate-stderr rocks list appliance route login
  [ "$output" = "$(printf '10.2.0.0/16\t10.1.1.254\t\tglobal\n10.4.0.0/16\t10.1.1.254\t\tappliance')" ]
  rocks remove host route compute-0-0 address=10.9.9.9
  rocks remove route address=10.2.0.0 netmask=255.255.0.0
  run --separate-stderr rocks list host route compute-0-0
  [ "$output" = "" ]
}

@test "remove route takes a route from one scope only" {
  rocks_fixture
  rocks add route 10.2.0.0/16 gateway=10.1.1.254
  rocks add route --host=compute-0-0 10.2.0.0/16 gateway=10.1.1.253
  rocks remove route --host=compute-0-0 10.2.0.0/16
  run --separate-stderr rocks list route --host=compute-0-0
  [ "$output" = "$(printf '10.2.0.0/16\t10.1.1.254\t\tglobal')" ]
}

@test "add route: unknown network" {
  rocks_fixture
  fails_unchanged "rocks: network=ib: unknown network" add route 10.2.0.0/16 network=ib
}

@test "add route: a misspelt network gets a suggestion" {
  rocks_fixture
  fails_unchanged "rocks: network=privat: unknown network (did you mean 'private'?)" \
    add route 10.2.0.0/16 network=privat
}

@test "add route: host bits in the destination" {
  rocks_fixture
  fails_unchanged "rocks: 10.2.0.1/16: host bits set in network address" \
    add route 10.2.0.1/16 gateway=10.1.1.254
}

@test "add route: a prefix out of range" {
  rocks_fixture
  fails_unchanged "rocks: 10.2.0.0/33: prefix length must be 0-32" \
    add route 10.2.0.0/33 gateway=10.1.1.254
}

@test "add route: a destination without a prefix" {
  rocks_fixture
  fails_unchanged "rocks: 10.2.0.0: expected NETWORK/PREFIX" add route 10.2.0.0 gateway=10.1.1.254
}

@test "add route: a destination that is no address" {
  rocks_fixture
  fails_unchanged "rocks: ten/8: invalid network address" add route ten/8 gateway=10.1.1.254
}

@test "add route: a netmask that is not contiguous (Rocks 6 form)" {
  rocks_fixture
  fails_unchanged "rocks: address=10.2.0.0 netmask=255.0.255.0: netmask is not contiguous" \
    add route address=10.2.0.0 netmask=255.0.255.0 gateway=10.1.1.254
}

@test "add route: a gateway outside every network" {
  rocks_fixture
  fails_unchanged "rocks: gateway=172.16.0.1: not in any network" \
    add route 10.2.0.0/16 gateway=172.16.0.1
}

@test "add route: a gateway that is no address" {
  rocks_fixture
  fails_unchanged "rocks: gateway=10.1.1: invalid IPv4 address" add route 10.2.0.0/16 gateway=10.1.1
}

@test "add route: a duplicate route" {
  rocks_fixture
  rocks add route --appliance=compute 10.2.0.0/16 gateway=10.1.1.254
  fails_unchanged "rocks: 10.2.0.0/16: already a route for appliance compute" \
    add route --appliance=compute 10.2.0.0/16 network=private
}

@test "add route: neither a gateway nor a network" {
  rocks_fixture
  fails_unchanged "rocks: 10.2.0.0/16: missing gateway= or network=" add route 10.2.0.0/16
}

@test "add route: both a gateway and a network" {
  rocks_fixture
  fails_unchanged "rocks: gateway=10.1.1.254 network=private: give one, not both" \
    add route 10.2.0.0/16 gateway=10.1.1.254 network=private
}

@test "add route: no destination" {
  rocks_fixture
  fails_unchanged "rocks: missing destination (DEST/PREFIX, or address= and netmask=)" \
    add route gateway=10.1.1.254
}

@test "add route: an unknown key" {
  rocks_fixture
  fails_unchanged "rocks: via=private: unknown key (expected gateway, network, address, netmask)" \
    add route 10.2.0.0/16 via=private
}

@test "add route: an unknown host" {
  rocks_fixture
  fails_unchanged "rocks: compute-9-9: unknown host (did you mean 'compute-0-0'?)" \
    add route --host=compute-9-9 10.2.0.0/16 gateway=10.1.1.254
}

@test "remove route: no such route" {
  rocks_fixture
  rocks add route 10.2.0.0/16 gateway=10.1.1.254
  fails_unchanged "rocks: 10.2.0.0/16: no route for host compute-0-0" \
    remove route --host=compute-0-0 10.2.0.0/16
}

@test "list route: an argument" {
  rocks_fixture
  fails_unchanged "rocks: list route: unexpected argument 'compute-0-0'" list route compute-0-0
}

@test "list host route: no host" {
  rocks_fixture
  fails_unchanged "rocks: list host route: missing HOST" list host route
}

@test "init gives the login appliance the rule that lets SNMP in from the private network" {
  rocks_fixture
  run --separate-stderr rocks list firewall --appliance=login --format=table
  [ "$status" -eq 0 ]
  [ "$output" = "NAME NETWORK SERVICE PORT PROTOCOL ACTION SCOPE
snmp private -       161  udp      accept appliance" ]
  run --separate-stderr rocks list firewall --host=compute-0-0
  [ "$output" = "" ]
}

@test "firewall rules at global, appliance and host scope; a host's listing resolves them" {
  rocks_fixture
  rocks add firewall web service=http action=reject
  rocks add firewall --appliance=login web service=http action=accept
  rocks add firewall --host=login-0-0 x11 network=private port=6000-6010 protocol=tcp action=drop
  run --separate-stderr rocks list firewall --host=login-0-0
  [ "$status" -eq 0 ]
  [ "$output" = "$(printf 'snmp\tprivate\t\t161\tudp\taccept\tappliance\nweb\t\thttp\t\t\taccept\tappliance\nx11\tprivate\t\t6000-6010\ttcp\tdrop\thost')" ]
  run --separate-stderr rocks list firewall --host=compute-0-0
  [ "$output" = "$(printf 'web\t\thttp\t\t\treject\tglobal')" ]
  rocks remove firewall --appliance=login web
  run --separate-stderr rocks list firewall --appliance=login
  [ "$output" = "$(printf 'snmp\tprivate\t\t161\tudp\taccept\tappliance\nweb\t\thttp\t\t\treject\tglobal')" ]
}

@test "firewall rules in the Rocks 6 spelling" {
  rocks_fixture
  rocks add firewall rulename=A20-ALL-PRIVATE service=all protocol=all network=private \
    action=ACCEPT chain=INPUT
  rocks add host firewall compute-0-0 rulename=R900-X service=40000 protocol=tcp network=all \
    action=REJECT chain=INPUT
  rocks add appliance firewall compute rulename=A30-SSH service=ssh protocol=tcp action=ACCEPT
  run --separate-stderr rocks list host firewall compute-0-0
  [ "$status" -eq 0 ]
  [ "$output" = "$(printf 'A20-ALL-PRIVATE\tprivate\tall\t\t\taccept\tglobal\nA30-SSH\t\tssh\t\t\taccept\tappliance\nR900-X\t\t\t40000\ttcp\treject\thost')" ]
  rocks remove host firewall compute-0-0 rulename=R900-X
  run --separate-stderr rocks list appliance firewall compute
  [ "$output" = "$(printf 'A20-ALL-PRIVATE\tprivate\tall\t\t\taccept\tglobal\nA30-SSH\t\tssh\t\t\taccept\tappliance')" ]
}

@test "add firewall: port 0" {
  rocks_fixture
  fails_unchanged "rocks: port=0: port 0 out of range (1-65535)" \
    add firewall p port=0 protocol=tcp action=accept
}

@test "add firewall: port 65536" {
  rocks_fixture
  fails_unchanged "rocks: port=65536: port 65536 out of range (1-65535)" \
    add firewall p port=65536 protocol=tcp action=accept
}

@test "add firewall: a port that is no number" {
  rocks_fixture
  fails_unchanged "rocks: port=x: invalid port (expected P or P-Q)" \
    add firewall p port=x protocol=tcp action=accept
}

@test "add firewall: a reversed port range" {
  rocks_fixture
  fails_unchanged "rocks: port=2000-1000: reversed range (2000 is above 1000)" \
    add firewall p port=2000-1000 protocol=udp action=accept
}

@test "add firewall: a protocol other than tcp and udp" {
  rocks_fixture
  fails_unchanged "rocks: protocol=icmp: unknown protocol (expected tcp or udp)" \
    add firewall p port=22 protocol=icmp action=accept
}

@test "add firewall: a port without a protocol" {
  rocks_fixture
  fails_unchanged "rocks: port=22: missing protocol= (tcp or udp)" add firewall p port=22 action=accept
}

@test "add firewall: a service name that firewalld cannot have" {
  rocks_fixture
  fails_unchanged "rocks: service=ht/tp: invalid service name (letters, digits, '-', '_', '.' and '+')" \
    add firewall p service=ht/tp action=accept
}

@test "add firewall: an unknown action" {
  rocks_fixture
  fails_unchanged "rocks: action=allow: unknown action (expected accept, reject or drop)" \
    add firewall p service=http action=allow
}

@test "add firewall: a duplicate rule name" {
  rocks_fixture
  fails_unchanged "rocks: snmp: already a firewall rule for appliance login" \
    add firewall --appliance=login snmp service=snmp action=accept
}

@test "add firewall: an unknown network" {
  rocks_fixture
  fails_unchanged "rocks: network=ib: unknown network" add firewall p network=ib service=nfs action=accept
}

@test "add firewall: a chain other than INPUT (Rocks 6)" {
  rocks_fixture
  fails_unchanged "rocks: chain=FORWARD: only INPUT rules become firewalld rules" \
    add firewall rulename=f service=all protocol=all action=ACCEPT chain=FORWARD
}

@test "add firewall: both a service and a port" {
  rocks_fixture
  fails_unchanged "rocks: service=http port=80: give one, not both" \
    add firewall p service=http port=80 protocol=tcp action=accept
}

@test "add firewall: no action" {
  rocks_fixture
  fails_unchanged "rocks: p: missing action= (accept, reject or drop)" add firewall p service=http
}

@test "add firewall: no name" {
  rocks_fixture
  fails_unchanged "rocks: missing rule NAME (or rulename=)" add firewall service=http action=accept
}

@test "add firewall: an invalid name" {
  rocks_fixture
  fails_unchanged "rocks: a/b: invalid rule name (letters, digits, '-', '_' and '.')" \
    add firewall a/b service=http action=accept
}

@test "remove firewall: no such rule" {
  rocks_fixture
  fails_unchanged "rocks: snmp: no firewall rule globally" remove firewall snmp
}

@test "a node's kickstart enables firewalld and writes its rules as a firewalld policy" {
  rocks_fixture
  rocks add firewall --appliance=compute x11 network=private port=6000-6010 protocol=tcp \
    action=drop
  host_kickstart compute-0-0 >"$T/c.ks"
  grep -x 'firewall --enabled --service=ssh' "$T/c.ks"
  ! grep -x 'firewall --disabled' "$T/c.ks"
  # Still a kickstart anaconda takes.
  awk -f "$ROCKS_SRCDIR/t/data/graph/ks-lint" "$T/c.ks"
  written_file "$T/c.ks" /etc/firewalld/policies/rocks.xml >"$T/rocks.xml"
  run cat "$T/rocks.xml"
  [ "$output" = '<?xml version="1.0" encoding="utf-8"?>
<!-- Generated by rocks from the cluster database: do not edit. -->
<policy target="CONTINUE" priority="-100">
  <short>rocks</short>
  <description>The cluster'"'"'s firewall rules (rocks list firewall).</description>
  <ingress-zone name="ANY"/>
  <egress-zone name="HOST"/>
  <!-- x11 -->
  <rule family="ipv4">
    <source address="10.0.0.0/8"/>
    <port port="6000-6010" protocol="tcp"/>
    <drop/>
  </rule>
</policy>' ]
  xmllint --noout "$T/rocks.xml"
}

@test "a node with no rules keeps its node files' firewall" {
  rocks_fixture
  host_kickstart compute-0-0 >"$T/c.ks"
  grep -x 'firewall --disabled' "$T/c.ks"
  ! grep -q /etc/firewalld/policies "$T/c.ks"
  ! grep -q rocks-routes "$T/c.ks"
}

@test "the login node's policy lets the frontend's SNMP queries in" {
  rocks_fixture
  host_kickstart login-0-0 >"$T/l.ks"
  grep -x 'firewall --enabled --service=ssh' "$T/l.ks"
  written_file "$T/l.ks" /etc/firewalld/policies/rocks.xml >"$T/rocks.xml"
  grep -A4 -x '  <!-- snmp -->' "$T/rocks.xml" >"$T/snmp"
  [ "$(cat "$T/snmp")" = '  <!-- snmp -->
  <rule family="ipv4">
    <source address="10.0.0.0/8"/>
    <port port="161" protocol="udp"/>
    <accept/>' ]
}

@test "the frontend's kickstart masquerades the private network to the public one" {
  rocks_fixture
  host_kickstart frontend >"$T/f.ks"
  written_file "$T/f.ks" /etc/firewalld/policies/rocks-masquerade.xml >"$T/masq.xml"
  run cat "$T/masq.xml"
  [ "$output" = '<?xml version="1.0" encoding="utf-8"?>
<!-- Generated by rocks: the frontend is the nodes'"'"' gateway. -->
<policy target="ACCEPT">
  <short>rocks-masquerade</short>
  <description>The private network reaches the public one through the frontend, masqueraded.</description>
  <ingress-zone name="trusted"/>
  <egress-zone name="public"/>
  <masquerade/>
</policy>' ]
  xmllint --noout "$T/masq.xml"
  [ "$(written_file "$T/f.ks" /etc/sysctl.d/90-rocks-forward.conf | tail -1)" = "net.ipv4.ip_forward = 1" ]
  awk -f "$ROCKS_SRCDIR/t/data/graph/ks-lint" "$T/f.ks"
  # The frontend's own node file keeps its firewall command.
  grep -q '^firewall --enabled --service=ssh --service=http --service=https --trust=' "$T/f.ks"
}

@test "the generated policies pass firewalld's own configuration check" {
  command -v firewall-offline-cmd >/dev/null || skip "firewalld is not installed"
  [ "$(id -u)" -eq 0 ] || skip "firewall-offline-cmd runs as root"
  rocks_fixture
  rocks add firewall all-private service=all network=private action=accept
  rocks add firewall web service=http action=reject
  rocks add firewall --host=frontend x11 port=6000-6010 protocol=tcp action=drop
  host_kickstart frontend >"$T/f.ks"
  mkdir -p "$T/fw/policies"
  cp /etc/firewalld/firewalld.conf "$T/fw/" 2>/dev/null ||
    printf 'DefaultZone=public\n' >"$T/fw/firewalld.conf"
  written_file "$T/f.ks" /etc/firewalld/policies/rocks.xml >"$T/fw/policies/rocks.xml"
  written_file "$T/f.ks" /etc/firewalld/policies/rocks-masquerade.xml \
    >"$T/fw/policies/rocks-masquerade.xml"
  xmllint --noout "$T/fw/policies/rocks.xml" "$T/fw/policies/rocks-masquerade.xml"
  run firewall-offline-cmd --system-config="$T/fw" --check-config
  [ "$status" -eq 0 ]
  [ "$output" = "" ]
  # The check does catch a bad policy.
  sed -i 's/protocol="tcp"/protocol="tcpx"/' "$T/fw/policies/rocks.xml"
  run firewall-offline-cmd --system-config="$T/fw" --check-config
  [[ $output == *INVALID_PROTOCOL* ]]
}

@test "a host's routes reach its kickstart as the rocks-routes service's file" {
  rocks_fixture
  rocks add route 10.2.0.0/16 gateway=10.1.1.254
  rocks add route --host=compute-0-0 172.20.0.0/16 network=private
  rocks add route --host=compute-0-0 198.51.100.0/24 gateway=192.168.1.254
  host_kickstart compute-0-0 >"$T/c.ks"
  run written_file "$T/c.ks" /etc/rocks/routes
  [ "$output" = "# Generated by rocks from the cluster database: do not edit.
# DEST/PREFIX GATEWAY MAC DEVICE (- for none); rocks-routes makes them the
# NetworkManager route settings of the connection on that interface.
10.2.0.0/16 10.1.1.254 52:54:00:00:00:10 eth0
172.20.0.0/16 - 52:54:00:00:00:10 eth0
# 198.51.100.0/24: no interface on a network holding 192.168.1.254" ]
  written_file "$T/c.ks" /usr/libexec/rocks-routes >"$T/rocks-routes"
  sh -n "$T/rocks-routes"
  [ "$(written_file "$T/c.ks" /etc/systemd/system/multi-user.target.d/rocks-routes.conf)" = \
    "$(printf '[Unit]\nWants=rocks-routes.service')" ]
  grep -q '^ExecStart=/usr/libexec/rocks-routes$' "$T/c.ks"
}

@test "rocks-routes sets each connection's routes through nmcli, finding the interface by MAC" {
  rocks_fixture
  rocks add route 10.2.0.0/16 gateway=10.1.1.254
  rocks add route --host=compute-0-0 172.20.0.0/16 network=private
  host_kickstart compute-0-0 >"$T/c.ks"
  mkdir -p "$T/root/etc/rocks" "$T/bin"
  written_file "$T/c.ks" /etc/rocks/routes >"$T/routes"
  written_file "$T/c.ks" /usr/libexec/rocks-routes | sed "s|/etc/rocks/routes|$T/routes|" \
    >"$T/rocks-routes"
  # ip and nmcli as the installed system has them: the NIC is ens3.
  cat >"$T/bin/ip" <<'EOF'
#!/bin/sh
printf '1: lo: <LOOPBACK,UP> mtu 65536 qdisc noqueue\\    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n'
printf '2: ens3: <BROADCAST,MULTICAST,UP> mtu 1500 qdisc fq_codel\\    link/ether 52:54:00:00:00:10 brd ff:ff:ff:ff:ff:ff\n'
EOF
  cat >"$T/bin/nmcli" <<EOF
#!/bin/sh
echo "nmcli \$*" >>"$T/nmcli.log"
[ "\$1" = -g ] && echo "Wired connection 1"
exit 0
EOF
  chmod +x "$T/bin/ip" "$T/bin/nmcli"
  PATH=$T/bin:$PATH sh "$T/rocks-routes"
  [ "$(cat "$T/nmcli.log")" = "nmcli -g GENERAL.CONNECTION device show ens3
nmcli connection modify Wired connection 1 ipv4.routes 10.2.0.0/16 10.1.1.254,172.20.0.0/16
nmcli device reapply ens3" ]
}
