#!/usr/bin/env bats
# rocks sync users (the frontend publishes its accounts, sealed with the
# cluster key) and rocks pull users (a node checks the file and merges it),
# on a fake frontend account set and a node root in the test directory;
# pwck and grpck check the result.

load helper
bats_require_minimum_version 1.5.0

setup() {
  rocks_setup
  FE=$T/frontend NODE=$T/node
  mkdir -p "$FE/etc" "$NODE/etc" "$T/www"
  # What pwck -R looks for in the node's root: homes and shells.
  mkdir -p "$NODE/root" "$NODE/bin" "$NODE/usr/sbin"
  install -m 755 /dev/null "$NODE/bin/bash"
  install -m 755 /dev/null "$NODE/bin/sh"
  install -m 755 /dev/null "$NODE/usr/sbin/nologin"
  cat >"$FE/etc/passwd" <<'P'
root:x:0:0:root:/root:/bin/bash
daemon:x:1:1:daemon:/:/usr/sbin/nologin
alice:x:1000:1000:Alice:/:/bin/bash
bob:x:1001:1001::/:/bin/sh
nobody:x:65534:65534:nobody:/:/usr/sbin/nologin
P
  cat >"$FE/etc/shadow" <<'P'
root:$6$frontendroot$x:19000:0:99999:7:::
daemon:*:19000:0:99999:7:::
alice:$6$alicesalt$alicehash:19000:0:99999:7:::
bob:$6$bobsalt$bobhash:19000:0:99999:7:::
nobody:*:19000:0:99999:7:::
P
  printf 'root:x:0:\ndaemon:x:1:\nalice:x:1000:\nbob:x:1001:\nnogroup:x:65534:\n' >"$FE/etc/group"
  printf 'root:*::\ndaemon:*::\nalice:!::\nbob:!::\nnogroup:*::\n' >"$FE/etc/gshadow"
  cat >"$NODE/etc/passwd" <<'P'
root:x:0:0:root:/root:/bin/bash
munge:x:998:998::/:/usr/sbin/nologin
gone:x:1009:1009::/:/bin/sh
P
  printf 'root:$6$noderoot$y:19000:0:99999:7:::\nmunge:!:19000::::::\ngone:!:19000::::::\n' >"$NODE/etc/shadow"
  printf 'root:x:0:\nmunge:x:998:\ngone:x:1009:\n' >"$NODE/etc/group"
  printf 'root:*::\nmunge:!::\ngone:!::\n' >"$NODE/etc/gshadow"
  chmod 640 "$NODE/etc/shadow" "$NODE/etc/gshadow"
  FRONTEND_CONF=$ROCKS_CONF
  printf 'users_root = %s\nusers_key = %s\nusers_file = %s\n' "$FE" "$T/users.key" \
    "$T/www/users" >>"$FRONTEND_CONF"
  NODE_CONF=$T/node.conf
  printf 'users_root = %s\nusers_key = %s\n' "$NODE" "$T/users.key" >"$NODE_CONF"
}

teardown() { rocks_teardown; }

node_files() { cat "$NODE"/etc/passwd "$NODE"/etc/shadow "$NODE"/etc/group "$NODE"/etc/gshadow; }

@test "rocks sync users publishes sealed accounts; pull users merges them on a node" {
  run --separate-stderr rocks sync users
  [ "$status" -eq 0 ]
  [ "$output" = "" ]
  [ "$stderr" = "" ]
  [ "$(stat -c %a "$T/users.key")" = 600 ]
  [ "$(stat -c %s "$T/users.key")" = 32 ]
  # Nothing of the accounts is readable in the published file.
  ! grep -q -e alicehash -e alice "$T/www/users"
  ROCKS_CONF=$NODE_CONF run --separate-stderr rocks pull users "$T/www/users"
  [ "$status" -eq 0 ]
  [ "$output" = "" ]
  [ "$stderr" = "" ]
  [ "$(cat "$NODE/etc/passwd")" = "root:x:0:0:root:/root:/bin/bash
munge:x:998:998::/:/usr/sbin/nologin
alice:x:1000:1000:Alice:/:/bin/bash
bob:x:1001:1001::/:/bin/sh" ]
  [ "$(cat "$NODE/etc/shadow")" = 'root:$6$noderoot$y:19000:0:99999:7:::
munge:!:19000::::::
alice:$6$alicesalt$alicehash:19000:0:99999:7:::
bob:$6$bobsalt$bobhash:19000:0:99999:7:::' ]
  [ "$(cat "$NODE/etc/group")" = "root:x:0:
munge:x:998:
alice:x:1000:
bob:x:1001:" ]
  # The node's own mode is kept (Debian's 640, root:shadow).
  [ "$(stat -c %a "$NODE/etc/shadow" "$NODE/etc/gshadow")" = "640
640" ]
  run pwck -r -R "$NODE"
  [ "$status" -eq 0 ]
  [ "$output" = "" ]
  run grpck -r -R "$NODE"
  [ "$status" -eq 0 ]
  [ "$output" = "" ]
}

@test "rocks pull users: a tampered copy is rejected and changes nothing" {
  rocks sync users
  before=$(node_files)
  python3 -c 'import sys; b = bytearray(open(sys.argv[1], "rb").read()); b[60] ^= 1; open(sys.argv[2], "wb").write(b)' \
    "$T/www/users" "$T/tampered"
  ROCKS_CONF=$NODE_CONF run --separate-stderr rocks pull users "$T/tampered"
  [ "$status" -eq 1 ]
  [ "$output" = "" ]
  [ "$stderr" = "rocks: pull users: $T/tampered: fails its check (wrong key, altered or truncated)" ]
  [ "$(node_files)" = "$before" ]
}

@test "rocks pull users: a truncated copy is rejected and changes nothing" {
  rocks sync users
  before=$(node_files)
  head -c 100 "$T/www/users" >"$T/truncated"
  ROCKS_CONF=$NODE_CONF run --separate-stderr rocks pull users "$T/truncated"
  [ "$status" -eq 1 ]
  [ "$stderr" = "rocks: pull users: $T/truncated: fails its check (wrong key, altered or truncated)" ]
  head -c 20 "$T/www/users" >"$T/short"
  ROCKS_CONF=$NODE_CONF run --separate-stderr rocks pull users "$T/short"
  [ "$status" -eq 1 ]
  [ "$stderr" = "rocks: pull users: $T/short: truncated" ]
  [ "$(node_files)" = "$before" ]
}

@test "rocks pull users: another cluster's key is rejected" {
  rocks sync users
  head -c 32 /dev/urandom >"$T/other.key"
  printf 'users_root = %s\nusers_key = %s\n' "$NODE" "$T/other.key" >"$NODE_CONF"
  before=$(node_files)
  ROCKS_CONF=$NODE_CONF run --separate-stderr rocks pull users "$T/www/users"
  [ "$status" -eq 1 ]
  [ "$stderr" = "rocks: pull users: $T/www/users: fails its check (wrong key, altered or truncated)" ]
  [ "$(node_files)" = "$before" ]
}

@test "rocks pull users: bad arguments and a bad key file" {
  fails_with "rocks: pull users: missing FILE" rocks pull users
  run --separate-stderr rocks pull users a b
  [ "$status" -eq 1 ]
  [ "$stderr" = "rocks: pull users: unexpected argument 'b'" ]
  printf 'short' >"$T/users.key"
  ROCKS_CONF=$NODE_CONF run --separate-stderr rocks pull users "$T/www/users"
  [ "$status" -eq 1 ]
  [ "$stderr" = "rocks: pull users: $T/users.key: not a users key (expected 32 bytes)" ]
  run --separate-stderr rocks sync users extra
  [ "$status" -eq 1 ]
  [ "$stderr" = "rocks: sync users: unexpected argument 'extra'" ]
  printf 'users_min_uid = zero\n' >>"$ROCKS_CONF"
  run --separate-stderr rocks sync users
  [ "$status" -eq 1 ]
  [ "$stderr" = "rocks: sync users: users_min_uid=zero: invalid number (expected 1 to 65533)" ]
  [ ! -e "$T/www/users" ]
}
