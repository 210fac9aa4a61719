#!/usr/bin/env bats
# rocks init on a real frontend: the interfaces it finds (in a network
# namespace the test makes), root's password hash and SSH key, the state
# directory it refuses.

bats_require_minimum_version 1.5.0
load helper

setup() {
  rocks_setup
  NS=
}

teardown() {
  [ -z "$NS" ] || ip netns del "$NS" 2>/dev/null || true
  rocks_teardown
}

# A namespace with two veth ends standing for the frontend's NICs:
# fe-priv (ADDRESS_PRIV) and fe-pub (ADDRESS_PUB), MACs 52:54:00:aa:00:01/02.
frontend_netns() {
  NS=rocks-init-$$-$BATS_TEST_NUMBER
  ip netns add "$NS" 2>/dev/null || { NS=; skip "ip netns add is not permitted here"; }
  local i=1 dev addr
  for dev in fe-priv fe-pub; do
    addr=$1
    shift
    ip -n "$NS" link add "$dev" type veth peer name "$dev-peer"
    ip -n "$NS" link set "$dev" address "52:54:00:aa:00:0$i"
    ip -n "$NS" addr add "$addr" dev "$dev"
    i=$((i + 1))
  done
}

in_ns() { ip netns exec "$NS" "$@"; }

@test "init finds the frontend's interfaces by their addresses" {
  frontend_netns 10.1.1.1/8 192.168.1.1/24
  run --separate-stderr in_ns rocks init --public-address=192.168.1.1
  [ "$status" -eq 0 ]
  [ "$output" = "" ]
  [ "$stderr" = "" ]
  run --separate-stderr rocks list host interface --format=tsv
  [ "$output" = "$(printf 'frontend\tfe-priv\tprivate\t10.1.1.1\t52:54:00:aa:00:01\t\t\t\t\t\nfrontend\tfe-pub\tpublic\t192.168.1.1\t52:54:00:aa:00:02\t\t\t\t\t')" ]
  run --separate-stderr rocks list attr --format=tsv Kickstart_PrivateInterface \
    Kickstart_PrivateMAC Kickstart_PublicInterface Kickstart_PublicMAC
  [ "$output" = "$(printf 'Kickstart_PrivateInterface\tfe-priv\tglobal\nKickstart_PrivateMAC\t52:54:00:aa:00:01\tglobal\nKickstart_PublicInterface\tfe-pub\tglobal\nKickstart_PublicMAC\t52:54:00:aa:00:02\tglobal')" ]
}

@test "init takes named interfaces with their addresses and networks" {
  frontend_netns 172.16.0.1/16 198.51.100.7/24
  run --separate-stderr in_ns rocks init --private-interface=fe-priv --public-interface=fe-pub
  [ "$status" -eq 0 ]
  [ "$stderr" = "" ]
  run --separate-stderr rocks list subnet --format=tsv
  [ "$output" = "$(printf 'private\t172.16.0.0\t255.255.0.0\t16\tlocal\t1500\tyes\tyes\tyes\t\npublic\t198.51.100.0\t255.255.255.0\t24\texample.org\t1500\tno\tno\tno\t')" ]
  run --separate-stderr rocks list host interface --format=tsv
  [ "$output" = "$(printf 'frontend\tfe-priv\tprivate\t172.16.0.1\t52:54:00:aa:00:01\t\t\t\t\t\nfrontend\tfe-pub\tpublic\t198.51.100.7\t52:54:00:aa:00:02\t\t\t\t\t')" ]
}

@test "init: a named interface that does not exist changes nothing" {
  fails_with "rocks: init: private interface nosuch0: no such network interface" rocks init --private-interface=nosuch0
  run --separate-stderr rocks list host
  [ "$stderr" = "rocks: $ROCKS_DB: no cluster database here (run 'rocks init')" ]
}

@test "init: a named interface without an address" {
  frontend_netns 10.1.1.1/8 192.168.1.1/24
  ip -n "$NS" addr flush dev fe-pub
  fails_with "rocks: init: public interface fe-pub: has no IPv4 address" in_ns rocks init --public-interface=fe-pub
}

@test "init sets root's password hash and SSH key, making the key" {
  printf 'root:$6$salt$hash:19000:0:99999:7:::\n' >"$T/shadow"
  printf 'shadow = %s/shadow\nssh_key = %s/ssh/id_ed25519\n' "$T" "$T" >>"$ROCKS_CONF"
  run --separate-stderr rocks init
  [ "$status" -eq 0 ]
  [ "$output" = "" ]
  [ "$stderr" = "" ]
  [ -s "$T/ssh/id_ed25519" ]
  [ "$(stat -c %a "$T/ssh")" = 700 ]
  run --separate-stderr rocks list attr --secrets --format=tsv Kickstart_RootPassword Kickstart_PublicKey
  [ "$output" = "$(printf 'Kickstart_PublicKey\t%s\tglobal\nKickstart_RootPassword\t$6$salt$hash\tglobal' "$(cat "$T/ssh/id_ed25519.pub")")" ]
}

@test "init takes an existing key and leaves it as it was" {
  mkdir "$T/ssh"
  ssh-keygen -q -t ed25519 -N '' -C root@test -f "$T/ssh/key"
  cp "$T/ssh/key" "$T/key.orig"
  printf 'ssh_key = %s/ssh/key\n' "$T" >>"$ROCKS_CONF"
  rocks init
  cmp "$T/ssh/key" "$T/key.orig"
  run --separate-stderr rocks list attr --format=tsv Kickstart_PublicKey
  [ "$output" = "$(printf 'Kickstart_PublicKey\t%s\tglobal' "$(cat "$T/ssh/key.pub")")" ]
}

@test "init: a locked root leaves the nodes' root password unset" {
  printf 'root:!:19000:0:99999:7:::\n' >"$T/shadow"
  printf 'shadow = %s/shadow\n' "$T" >>"$ROCKS_CONF"
  rocks init
  run --separate-stderr rocks list attr Kickstart_RootPassword
  [ "$status" -eq 1 ]
  [ "$stderr" = "rocks: Kickstart_RootPassword: attribute not set" ]
}

@test "init: a missing shadow file changes nothing" {
  printf 'shadow = %s/nope\n' "$T" >>"$ROCKS_CONF"
  fails_with "rocks: init: root password: $T/nope: No such file or directory" rocks init
  run --separate-stderr rocks list host
  [ "$stderr" = "rocks: $ROCKS_DB: no cluster database here (run 'rocks init')" ]
}

@test "init: a private key without its public half changes nothing" {
  printf 'secret\n' >"$T/id"
  printf 'ssh_key = %s/id\n' "$T" >>"$ROCKS_CONF"
  fails_with "rocks: init: root's SSH key: $T/id.pub: missing ($T/id exists; ssh-keygen -y -f $T/id makes it)" rocks init
  [ ! -e "$T/id.pub" ]
  run --separate-stderr rocks list host
  [ "$stderr" = "rocks: $ROCKS_DB: no cluster database here (run 'rocks init')" ]
}
