#!/usr/bin/env bats
# rocks run host against real sshd instances, one per host on its own
# loopback address (127.0.0.2 for compute-0-0, ...), set up by t/sshd.bash
# as shoot-node's tests are.

load helper
load sshd
bats_require_minimum_version 1.5.0

setup() {
  rocks_setup
  PIDS=()
  rocks_fixture
  printf 'ssh_config = %s\n' "$T/ssh/config" >>"$ROCKS_CONF"
  start_sshd_at 127.0.0.2 compute-0-0
  start_sshd_at 127.0.0.3 compute-0-1
  start_sshd_at 127.0.0.4 compute-1-0
}

teardown() {
  stop_pids
  rocks_teardown
}

# The address the remote command was reached at.
WHERE='set -- $SSH_CONNECTION; echo $3'

@test "rocks run host: every selected host, output prefixed by host" {
  run --separate-stderr rocks run host appliance:compute -- "$WHERE"
  [ "$status" -eq 0 ]
  [ "$(sort <<<"$output")" = "compute-0-0: 127.0.0.2
compute-0-1: 127.0.0.3
compute-1-0: 127.0.0.4" ]
  [ "$stderr" = "" ]
}

@test "rocks run host: ranges, racks and names select the same way" {
  run --separate-stderr rocks run host 'compute-0-[0-1]' -- "$WHERE"
  [ "$status" -eq 0 ]
  [ "$(sort <<<"$output")" = "compute-0-0: 127.0.0.2
compute-0-1: 127.0.0.3" ]
  run --separate-stderr rocks run host rack:1 -- "$WHERE"
  [ "$status" -eq 0 ]
  [ "$output" = "compute-1-0: 127.0.0.4" ]
  run --separate-stderr rocks run host compute-1-0 compute-0-0 -- echo two words
  [ "$status" -eq 0 ]
  [ "$(sort <<<"$output")" = "compute-0-0: two words
compute-1-0: two words" ]
}

@test "rocks run host: lines of several hosts are each prefixed, stderr on stderr" {
  run --separate-stderr rocks run host compute-0-0 -- 'echo one; echo two; echo oops >&2'
  [ "$status" -eq 0 ]
  [ "$output" = "compute-0-0: one
compute-0-0: two" ]
  [ "$stderr" = "compute-0-0: oops" ]
}

@test "rocks run host --collate groups identical outputs as clush -b does" {
  run --separate-stderr rocks run host --collate appliance:compute -- \
    'echo same; [ "$(set -- $SSH_CONNECTION; echo $3)" = 127.0.0.3 ] && echo odd; true'
  [ "$status" -eq 0 ]
  [ "$output" = "---------------
compute-0-0,compute-1-0 (2)
---------------
same
---------------
compute-0-1 (1)
---------------
same
odd" ]
  [ "$stderr" = "" ]
  run --separate-stderr rocks run host --collate appliance:compute -- echo same
  [ "$status" -eq 0 ]
  [ "$output" = "---------------
compute-0-[0-1],compute-1-0 (3)
---------------
same" ]
  # ClusterShell reads the folded names back as the same hosts.
  [ "$(nodeset -e "$(sed -n 2p <<<"$output" | cut -d' ' -f1)")" = "compute-0-0 compute-0-1 compute-1-0" ]
}

@test "rocks run host: a command that fails on one host is named, the others still run" {
  run --separate-stderr rocks run host appliance:compute -- \
    '[ "$(set -- $SSH_CONNECTION; echo $3)" = 127.0.0.3 ] && exit 3; echo fine'
  [ "$status" -eq 1 ]
  [ "$(sort <<<"$output")" = "compute-0-0: fine
compute-1-0: fine" ]
  [ "$stderr" = "rocks: run host: compute-0-1: exited with status 3" ]
}

@test "rocks run host: an unreachable host is named with ssh's reason" {
  closed=$(free_port tcp)
  printf 'Host login-0-0\n  HostName 127.0.0.5\n  Port %s\n' "$closed" >"$T/ssh/config.new"
  cat "$T/ssh/config" >>"$T/ssh/config.new"
  mv "$T/ssh/config.new" "$T/ssh/config"
  run --separate-stderr rocks run host compute-0-0 login-0-0 -- echo up
  [ "$status" -eq 1 ]
  [ "$output" = "compute-0-0: up" ]
  [ "$stderr" = "rocks: run host: login-0-0: ssh: connect to host 127.0.0.5 port $closed: Connection refused" ]
}

@test "rocks run host --timeout: a host that does not answer in time is named" {
  run --separate-stderr rocks run host --timeout=5 compute-0-0 compute-0-1 -- \
    '[ "$(set -- $SSH_CONNECTION; echo $3)" = 127.0.0.3 ] && sleep 30; echo quick'
  [ "$status" -eq 1 ]
  [ "$output" = "compute-0-0: quick" ]
  [ "$stderr" = "rocks: run host: compute-0-1: no answer within 5 s" ]
}

@test "rocks run host --fanout=1: one host at a time" {
  mkdir "$T/active"
  run --separate-stderr rocks run host --fanout=1 appliance:compute -- \
    "touch $T/active/\$\$; sleep 0.2; ls $T/active | wc -l; rm $T/active/\$\$"
  [ "$status" -eq 0 ]
  [ "$output" = "compute-0-0: 1
compute-0-1: 1
compute-1-0: 1" ]
}

@test "rocks run host: a selection that matches nothing is an error" {
  fails_with "rocks: compute-0-[5-9]: no host matches" rocks run host 'compute-0-[5-9]' -- true
  fails_with "rocks: rack:9: no host matches" rocks run host appliance:nas rack:9 -- true
  fails_with "rocks: compute-9-9: unknown host (did you mean 'compute-0-0'?)" rocks run host compute-9-9 -- true
  fails_with "rocks: appliance:computer: unknown appliance (did you mean 'appliance:compute'?)" rocks run host appliance:computer -- true
  fails_with "rocks: compute-[2-1]: bad range '2-1'" rocks run host 'compute-[2-1]' -- true
}

@test "rocks run host: missing selection or command" {
  fails_with "rocks: run host: missing SELECTION" rocks run host -- true
  fails_with "rocks: run host: missing COMMAND (give it after --)" rocks run host compute-0-0
  fails_with "rocks: run host: missing COMMAND (give it after --)" rocks run host compute-0-0 --
}

@test "rocks run host: bad --fanout and --timeout, and those options elsewhere" {
  fails_with "rocks: --fanout=0: invalid number (expected 1 to 1024)" rocks run host --fanout=0 compute-0-0 -- true
  fails_with "rocks: --timeout=soon: invalid time (expected seconds, or a number with s, m or h)" rocks run host --timeout=soon compute-0-0 -- true
  fails_with "rocks: --fanout, --timeout and --collate go with 'run host' only" rocks list host --collate
}

@test "rocks run host: a command whose words look like options" {
  run --separate-stderr rocks run host compute-0-0 -- echo --help -n
  [ "$status" -eq 0 ]
  [ "$output" = "compute-0-0: --help -n" ]
}
