#!/usr/bin/env bats
# shoot-node against real parts: OpenIPMI's ipmi_sim as the BMCs, an sshd
# on a loopback port, kickstart.cgi under lighttpd, and a script standing
# in for each node: once its BMC saw the power cycle (or its reboot command
# ran over ssh) it reads its PXE file, fetches its kickstart from
# kickstart.cgi and posts installing, then installed (or failed).

load helper
load sshd
bats_require_minimum_version 1.5.0

setup() {
  rocks_setup
  PIDS=()
  rocks_fixture loopback
  mkdir -p "$T/pxe"
  printf 'pxe | %s | |\n' "$T/pxe" >"$T/sync.conf"
  cat >>"$ROCKS_CONF" <<EOF
sync_conf = $T/sync.conf
profile = $ROCKS_SRCDIR/graphs
kickstart_statedir = $T/ks-slots
ssh_config = $T/ssh/config
EOF
  mkdir -p "$T/ks-slots"
}

teardown() {
  stop_pids
  rocks_teardown
}

# start_bmc NAME USER PASSWORD: an ipmi_sim BMC on 127.0.0.1; sets
# BMC_PORT. Its chassis control script logs each request to
# $T/bmc-NAME/chassis.log and keeps the power state.
start_bmc() {
  local d=$T/bmc-$1
  mkdir -p "$d/state"
  BMC_PORT=$(free_port udp)
  cat >"$d/chassis" <<EOF
#!/bin/sh
echo "\$*" >>"$d/chassis.log"
case \$2 in
get) shift 2; for p; do
       case \$p in
       power) echo "power:\$(cat "$d/power" 2>/dev/null || echo 1)" ;;
       boot) echo "boot:default" ;;
       esac
     done ;;
set) shift 2; while [ \$# -ge 2 ]; do
       [ "\$1" = power ] && echo "\$2" >"$d/power"
       shift 2
     done ;;
esac
exit 0
EOF
  chmod +x "$d/chassis"
  ipmi_sim_files "$d" "$1" "$BMC_PORT" "$2" "$3" "chassis_control \"$d/chassis 0x20\""
  ipmi_sim -n -c "$d/lan.conf" -f "$d/bmc.emu" -s "$d/state" </dev/null >"$d/sim.log" 2>&1 &
  PIDS+=($!)
  wait_listen udp "$BMC_PORT"
}

# use_ipmi HOST PORT USER PASSWORD [lan]: the host's power attributes.
use_ipmi() {
  rocks set attr --host="$1" power ipmi
  rocks set attr --host="$1" ipmi_address "127.0.0.1:$2"
  rocks set attr --host="$1" ipmi_user "$3"
  rocks set attr --host="$1" ipmi_password "$4"
  if [ "${5:-lanplus}" = lan ]; then
    rocks set attr --host="$1" ipmi_interface lan
  else
    # ipmi_sim wants the privilege in the RMCP+ open session request.
    rocks set attr --host="$1" ipmi_workarounds opensesspriv
  fi
}

# use_ssh HOST: power=ssh with a reboot command that leaves a marker.
use_ssh() {
  rocks set attr --host="$1" power ssh
  rocks set attr --host="$1" ssh_reboot_command "echo reboot >$T/rebooted-$1"
}

# kickstart.cgi under lighttpd on 127.0.0.1 (the test's configuration and
# database); sets HTTP_PORT.
start_cgi() {
  { cat "$ROCKS_CONF"; printf 'database = %s\n' "$ROCKS_DB"; } >"$T/cgi.conf"
  LIGHTTPD_ROCKS_CONF=$T/cgi.conf start_lighttpd
}

# node HOST TRIGGER [installed|failed|silent|installed-nopxe]: stands in
# for the node. Once
# TRIGGER (a shell test) holds, it "boots": reads its PXE file (kept as
# $T/booted-HOST), fetches its kickstart from kickstart.cgi ($T/ks-HOST),
# then posts installing and the outcome.
node() {
  local host=$1 trigger=$2 outcome=${3:-installed} mac ip pxe url
  mac=$(rocks list host --format=tsv "$host" | cut -f8)
  ip=$(rocks list host --format=tsv "$host" | cut -f7)
  pxe=$T/pxe/pxelinux.cfg/01-${mac//:/-}
  url="http://127.0.0.1:$HTTP_PORT/install/sbin/kickstart.cgi?form=kickstart"
  (
    for _ in $(seq 600); do
      eval "$trigger" && break
      sleep 0.05
    done
    cp "$pxe" "$T/booted-$host"
    curl -fsS --interface "$ip" -o "$T/ks-$host" "$url"
    [ "$outcome" = silent ] && exit 0
    curl -fsS --interface "$ip" -o /dev/null "$url&state=installing"
    if [ "$outcome" = installed-nopxe ]; then
      # The PXE directory goes away under shoot-node.
      rm -rf "$T/pxe"
      : >"$T/pxe"
      outcome=installed
    fi
    curl -fsS --interface "$ip" -o /dev/null "$url&state=$outcome"
  ) >"$T/node-$host.log" 2>&1 &
  PIDS+=($!)
}

# The BMC NAME saw a power cycle (ipmi_sim turns it into a power off).
cycled() { grep -qx '0x20 set power 0' "$T/bmc-$1/chassis.log" 2>/dev/null; }

# The summary with the minutes masked.
mask_minutes() { sed -E 's/ [0-9]+\.[0-9]$/ M.M/'; }

# The install events as HOST|STATE|DETAIL lines, oldest first.
events() {
  sql "SELECT h.name, e.state, e.detail FROM install_events e
    JOIN hosts h ON h.id = e.host ORDER BY e.id" | tr '\t' '|'
}

action() { rocks list host --format=tsv "$1" | cut -f6; }

@test "shoot-node without hosts prints a hint and exits 1" {
  run --separate-stderr shoot-node
  [ "$status" -eq 1 ]
  [ "$output" = "" ]
  [ "$stderr" = "shoot-node: no hosts given
Try 'shoot-node --help' for more information." ]
}

@test "shoot-node --fanout rejects a bad number" {
  fails_with "shoot-node: --fanout=0: invalid number (expected 1 to 1024)" shoot-node --fanout=0 compute-0-0
}

@test "shoot-node --timeout rejects a bad time" {
  fails_with "shoot-node: --timeout=5x: invalid time (expected seconds, or a number with s, m or h)" shoot-node --timeout=5x compute-0-0
}

@test "shoot-node --rack rejects a bad rack" {
  fails_with "shoot-node: --rack=one: invalid number (expected 0 or more)" shoot-node --rack=one
}

@test "shoot-node --appliance names an unknown appliance" {
  fails_with "shoot-node: --appliance=gpu: gpu: unknown appliance" shoot-node --appliance=gpu
}

@test "shoot-node --appliance and --rack matching no host" {
  fails_with "shoot-node: appliance:nas rack:7: no host matches" shoot-node --appliance=nas --rack=7
}

@test "shoot-node without the sync configuration names the file" {
  rm "$T/sync.conf"
  rocks set attr power none
  fails_with "shoot-node: $T/sync.conf: No such file or directory" shoot-node --dry-run compute-0-0
}

@test "shoot-node --dry-run shows each host's plan, reports bad hosts and changes nothing" {
  rocks set attr power ipmi
  rocks set attr ipmi_user admin
  rocks set attr ipmi_password secret
  rocks set attr --host=compute-0-0 ipmi_address 10.2.0.1
  rocks set attr --host=compute-0-1 ipmi_address 10.2.0.2
  rocks set attr --host=compute-0-1 ipmi_interface lan
  rocks set attr --host=login-0-0 power ssh
  rocks set attr --host=nas-0-0 power none
  before=$(db_dump)
  run --separate-stderr shoot-node -n -t 90 compute-0-0 compute-0-1 compute-1-0 \
    login-0-0 nas-0-0 compute-0-9 frontend
  [ "$status" -eq 1 ]
  [ "$output" = "compute-0-0: boot action install, boot files in $T/pxe
compute-0-0: ipmi chassis power cycle of 10.2.0.1 as admin (lanplus)
compute-0-0: follow the install, at most 90 s per stage, then boot action os
compute-0-1: boot action install, boot files in $T/pxe
compute-0-1: ipmi chassis power cycle of 10.2.0.2 as admin (lan)
compute-0-1: follow the install, at most 90 s per stage, then boot action os
login-0-0: boot action install, boot files in $T/pxe
login-0-0: ssh -F $T/ssh/config -T -o BatchMode=yes -o ConnectTimeout=60 login-0-0 reboot
login-0-0: follow the install, at most 90 s per stage, then boot action os
nas-0-0: boot action install, boot files in $T/pxe
nas-0-0: restart it by hand (power method none)
nas-0-0: follow the install, at most 90 s per stage, then boot action os" ]
  [ "$stderr" = "shoot-node: compute-1-0: power=ipmi: ipmi_address is not set
shoot-node: compute-0-9: unknown host (did you mean 'compute-0-0'?)
shoot-node: frontend: is the frontend; shoot-node does not reinstall it" ]
  [ "$(db_dump)" = "$before" ]
  [ -z "$(ls "$T/pxe")" ]
}

@test "shoot-node --dry-run --no-wait selects by appliance and rack" {
  rocks set attr power none
  printf '# no PXE here\n' >"$T/sync.conf"
  run --separate-stderr shoot-node --dry-run --no-wait -a compute -r 0
  [ "$status" -eq 0 ]
  [ "$output" = "compute-0-0: boot action install
compute-0-0: restart it by hand (power method none)
compute-0-1: boot action install
compute-0-1: restart it by hand (power method none)" ]
  [ "$stderr" = "" ]
}

@test "shoot-node --dry-run takes the selection rocks list host takes" {
  rocks set attr power none
  printf '# no PXE here\n' >"$T/sync.conf"
  run --separate-stderr shoot-node --dry-run --no-wait 'compute-0-[0-1]' rack:1
  [ "$status" -eq 0 ]
  [ "$output" = "compute-0-0: boot action install
compute-0-0: restart it by hand (power method none)
compute-0-1: boot action install
compute-0-1: restart it by hand (power method none)
compute-1-0: boot action install
compute-1-0: restart it by hand (power method none)" ]
  [ "$stderr" = "" ]
}

@test "shoot-node: a selection that matches no host is an error that says so" {
  before=$(db_dump)
  fails_with "shoot-node: rack:9: no host matches" shoot-node --dry-run rack:9
  [ "$(db_dump)" = "$before" ]
}

@test "shoot-node reports a host without a power method and one with an unknown method" {
  rocks set attr --host=compute-0-1 power pdu
  before=$(db_dump)
  run --separate-stderr shoot-node --batch compute-0-0 compute-0-1
  [ "$status" -eq 1 ]
  [ "$(db_dump)" = "$before" ]
  [ "$output" = "HOST        RESULT MINUTES
compute-0-0 error  -
compute-0-1 error  -" ]
  [ "$stderr" = "shoot-node: compute-0-0: power is not set (expected ipmi, ssh, libvirt or none)
shoot-node: compute-0-1: power=pdu: unknown power method (expected ipmi, ssh, libvirt or none)" ]
}

@test "shoot-node power-cycles a host over IPMI and follows its install to the end" {
  start_bmc bmc0 admin secret
  use_ipmi compute-0-0 "$BMC_PORT" admin secret
  start_cgi
  node compute-0-0 "cycled bmc0"
  run --separate-stderr shoot-node --batch --timeout=20 compute-0-0
  [ "$stderr" = "" ]
  [ "$status" -eq 0 ]
  [ "$(mask_minutes <<<"$output")" = "compute-0-0: restarting
compute-0-0: rebooting
compute-0-0: profile-sent
compute-0-0: installing
compute-0-0: installed

HOST        RESULT    MINUTES
compute-0-0 installed M.M" ]
  # The BMC saw the cycle, the node booted the installer and got a kickstart.
  grep -qx '0x20 set power 0' "$T/bmc-bmc0/chassis.log"
  grep -qx 'default install' "$T/booted-compute-0-0"
  grep -q '^%packages' "$T/ks-compute-0-0"
  [ "$(events)" = "compute-0-0|rebooting|ipmi
compute-0-0|profile-sent|kickstart to 127.0.0.10
compute-0-0|installing|from 127.0.0.10
compute-0-0|installed|from 127.0.0.10" ]
  # And its next boot is from its disk.
  [ "$(action compute-0-0)" = os ]
  grep -qx 'default os' "$T/pxe/pxelinux.cfg/01-52-54-00-00-00-10"
}

@test "shoot-node reinstalls several hosts at once by IPMI 2.0, IPMI 1.5 and ssh" {
  start_bmc bmc0 admin secret
  use_ipmi compute-0-0 "$BMC_PORT" admin secret
  start_bmc bmc1 root calvin
  use_ipmi compute-0-1 "$BMC_PORT" root calvin lan
  start_sshd
  use_ssh compute-1-0
  start_cgi
  node compute-0-0 "cycled bmc0"
  node compute-0-1 "cycled bmc1"
  node compute-1-0 "[ -f $T/rebooted-compute-1-0 ]"
  run --separate-stderr shoot-node --batch --timeout=20 -a compute
  [ "$stderr" = "" ]
  [ "$status" -eq 0 ]
  for h in compute-0-0 compute-0-1 compute-1-0; do
    [ "$(grep "^$h:" <<<"$output")" = "$h: restarting
$h: rebooting
$h: profile-sent
$h: installing
$h: installed" ]
    [ "$(action "$h")" = os ]
    grep -qx 'default install' "$T/booted-$h"
  done
  [ "$(sed -n '/^$/,$p' <<<"$output" | mask_minutes)" = "
HOST        RESULT    MINUTES
compute-0-0 installed M.M
compute-0-1 installed M.M
compute-1-0 installed M.M" ]
  [ "$(cat "$T/rebooted-compute-1-0")" = reboot ]
  [ "$(events | grep rebooting | sort)" = "compute-0-0|rebooting|ipmi
compute-0-1|rebooting|ipmi
compute-1-0|rebooting|ssh" ]
}

@test "shoot-node: a BMC that refuses the password is that host's error, the others go on" {
  start_bmc bmc0 admin secret
  use_ipmi compute-0-0 "$BMC_PORT" admin secret
  use_ipmi compute-0-1 "$BMC_PORT" admin wrong
  start_cgi
  node compute-0-0 "cycled bmc0"
  run --separate-stderr shoot-node --batch --fanout=1 --timeout=20 compute-0-0 compute-0-1
  [ "$status" -eq 1 ]
  [ "$stderr" = "shoot-node: compute-0-1: ipmi 127.0.0.1:$BMC_PORT: password invalid" ]
  [ "$(grep '^compute-0-1:' <<<"$output")" = "compute-0-1: restarting
compute-0-1: error" ]
  [ "$(sed -n '/^$/,$p' <<<"$output" | mask_minutes)" = "
HOST        RESULT    MINUTES
compute-0-0 installed M.M
compute-0-1 error     M.M" ]
  [ "$(action compute-0-0)" = os ]
  [ "$(action compute-0-1)" = os ]
}

@test "shoot-node: a BMC that does not answer times out for that host" {
  port=$(free_port udp)
  use_ipmi compute-0-0 "$port" admin secret
  run --separate-stderr shoot-node --batch --timeout=1 compute-0-0
  [ "$status" -eq 1 ]
  [ "$stderr" = "shoot-node: compute-0-0: ipmi 127.0.0.1:$port: connection timeout" ]
  [ "$(mask_minutes <<<"$output")" = "compute-0-0: restarting
compute-0-0: error

HOST        RESULT MINUTES
compute-0-0 error  M.M" ]
  [ "$(action compute-0-0)" = os ]
  grep -qx 'default os' "$T/pxe/pxelinux.cfg/01-52-54-00-00-00-10"
}

@test "shoot-node: an unknown BMC user is refused" {
  start_bmc bmc0 admin secret
  use_ipmi compute-0-0 "$BMC_PORT" nobody secret
  run --separate-stderr shoot-node --batch --timeout=5 compute-0-0
  [ "$status" -eq 1 ]
  [ "$stderr" = "shoot-node: compute-0-0: ipmi 127.0.0.1:$BMC_PORT: username invalid" ]
}

@test "shoot-node: an ssh host that cannot be reached is that host's error" {
  start_sshd
  closed=$(free_port tcp)
  printf 'Host compute-0-1\n  Port %s\n' "$closed" >"$T/ssh/config.new"
  cat "$T/ssh/config" >>"$T/ssh/config.new"
  mv "$T/ssh/config.new" "$T/ssh/config"
  use_ssh compute-0-0
  use_ssh compute-0-1
  start_cgi
  node compute-0-0 "[ -f $T/rebooted-compute-0-0 ]"
  run --separate-stderr shoot-node --batch --timeout=20 compute-0-0 compute-0-1
  [ "$status" -eq 1 ]
  [ "$stderr" = "shoot-node: compute-0-1: ssh: connect to host 127.0.0.1 port $closed: Connection refused" ]
  [ "$(sed -n '/^$/,$p' <<<"$output" | mask_minutes)" = "
HOST        RESULT    MINUTES
compute-0-0 installed M.M
compute-0-1 error     M.M" ]
  [ ! -e "$T/rebooted-compute-0-1" ]
}

@test "shoot-node: a reboot command that fails over ssh is that host's error" {
  start_sshd
  rocks set attr --host=compute-0-0 power ssh
  rocks set attr --host=compute-0-0 ssh_reboot_command 'echo no reboot for you >&2; exit 3'
  run --separate-stderr shoot-node --batch --timeout=20 compute-0-0
  [ "$status" -eq 1 ]
  [ "$stderr" = "shoot-node: compute-0-0: ssh compute-0-0: 'echo no reboot for you >&2; exit 3' exited with status 3: no reboot for you" ]
  [ "$(action compute-0-0)" = os ]
}

@test "shoot-node: a node that never asks for its kickstart times out" {
  start_bmc bmc0 admin secret
  use_ipmi compute-0-0 "$BMC_PORT" admin secret
  run --separate-stderr shoot-node --batch --timeout=1 compute-0-0
  [ "$status" -eq 1 ]
  [ "$stderr" = "shoot-node: compute-0-0: timed out in rebooting: no kickstart request within 1 s" ]
  [ "$(mask_minutes <<<"$output")" = "compute-0-0: restarting
compute-0-0: rebooting
compute-0-0: timeout

HOST        RESULT  MINUTES
compute-0-0 timeout M.M" ]
  cycled bmc0
  [ "$(action compute-0-0)" = os ]
}

@test "shoot-node: an installer that stops reporting times out in its stage" {
  start_bmc bmc0 admin secret
  use_ipmi compute-0-0 "$BMC_PORT" admin secret
  start_cgi
  node compute-0-0 "cycled bmc0" silent
  run --separate-stderr shoot-node --batch --timeout=2 compute-0-0
  [ "$status" -eq 1 ]
  [ "$stderr" = "shoot-node: compute-0-0: timed out in profile-sent: no report of installing within 2 s" ]
  [ "$(grep -c . <<<"$output")" -eq 6 ]
}

@test "shoot-node: a failed install fails that host and sets it back to os" {
  start_bmc bmc0 admin secret
  use_ipmi compute-0-0 "$BMC_PORT" admin secret
  start_bmc bmc1 admin secret
  use_ipmi compute-0-1 "$BMC_PORT" admin secret
  start_cgi
  node compute-0-0 "cycled bmc0" failed
  node compute-0-1 "cycled bmc1"
  run --separate-stderr shoot-node --batch --timeout=20 compute-0-0 compute-0-1
  [ "$status" -eq 1 ]
  [ "$stderr" = "shoot-node: compute-0-0: the installer reported failed" ]
  [ "$(grep '^compute-0-0:' <<<"$output")" = "compute-0-0: restarting
compute-0-0: rebooting
compute-0-0: profile-sent
compute-0-0: installing
compute-0-0: failed" ]
  [ "$(sed -n '/^$/,$p' <<<"$output" | mask_minutes)" = "
HOST        RESULT    MINUTES
compute-0-0 failed    M.M
compute-0-1 installed M.M" ]
  [ "$(action compute-0-0)" = os ]
  [ "$(action compute-0-1)" = os ]
}

@test "shoot-node: a boot action it cannot set back to os is that host's error" {
  start_bmc bmc0 admin secret
  use_ipmi compute-0-0 "$BMC_PORT" admin secret
  start_cgi
  node compute-0-0 "cycled bmc0" installed-nopxe
  # The write is retried for a stage's time limit.
  run --separate-stderr shoot-node --batch --timeout=3 compute-0-0
  [ "$status" -eq 1 ]
  [ "$stderr" = "shoot-node: compute-0-0: boot action os: $T/pxe: not a directory" ]
  [ "$(mask_minutes <<<"$output")" = "compute-0-0: restarting
compute-0-0: rebooting
compute-0-0: profile-sent
compute-0-0: installing
compute-0-0: installed
compute-0-0: error

HOST        RESULT MINUTES
compute-0-0 error  M.M" ]
}

@test "shoot-node --no-wait restarts and leaves the boot action install" {
  start_bmc bmc0 admin secret
  use_ipmi compute-0-0 "$BMC_PORT" admin secret
  run --separate-stderr shoot-node --batch --no-wait --timeout=5 compute-0-0
  [ "$status" -eq 0 ]
  [ "$stderr" = "" ]
  [ "$(mask_minutes <<<"$output")" = "compute-0-0: restarting
compute-0-0: restarted

HOST        RESULT    MINUTES
compute-0-0 restarted M.M" ]
  cycled bmc0
  [ "$(action compute-0-0)" = install ]
  grep -qx 'default install' "$T/pxe/pxelinux.cfg/01-52-54-00-00-00-10"
  [ "$(events)" = "compute-0-0|rebooting|ipmi" ]
}

@test "shoot-node with power none asks for a restart by hand and follows the install" {
  rocks set attr --host=nas-0-0 power none
  start_cgi
  node nas-0-0 "grep -qx 'default install' $T/pxe/pxelinux.cfg/01-52-54-00-00-00-30"
  run --separate-stderr shoot-node --batch --timeout=20 nas-0-0
  [ "$status" -eq 0 ]
  [ "$stderr" = "shoot-node: nas-0-0: power method none: restart it by hand; its next boot installs it" ]
  [ "$(mask_minutes <<<"$output")" = "nas-0-0: rebooting
nas-0-0: profile-sent
nas-0-0: installing
nas-0-0: installed

HOST    RESULT    MINUTES
nas-0-0 installed M.M" ]
  [ "$(action nas-0-0)" = os ]
}

@test "shoot-node on a terminal draws live lines on stderr and prints only the summary on stdout" {
  rocks set attr --host=nas-0-0 power none
  start_cgi
  node nas-0-0 "grep -qx 'default install' $T/pxe/pxelinux.cfg/01-52-54-00-00-00-30"
  # script(1) gives shoot-node a terminal for stderr; stdout stays a file.
  run script -qec "shoot-node --timeout=20 nas-0-0 >$T/out" /dev/null
  [ "$status" -eq 0 ]
  [ "$(mask_minutes <"$T/out")" = "HOST    RESULT    MINUTES
nas-0-0 installed M.M" ]
  # The terminal got the message and the host's live line, redrawn in
  # place (cursor up, clear to the end) and cleared at the end.
  tty=$(tr -d '\r' <<<"$output")
  [[ $tty == *"shoot-node: nas-0-0: power method none: restart it by hand; its next boot installs it"* ]]
  [[ $tty == *"nas-0-0  rebooting    0:0"* ]]
  [[ $tty == *$'\e[1A\e[J' ]]
}

@test "shoot-node stops on SIGINT and sets the boot action back to os" {
  start_bmc bmc0 admin secret
  use_ipmi compute-0-0 "$BMC_PORT" admin secret
  shoot-node --batch --timeout=60 compute-0-0 >"$T/out" 2>"$T/err" &
  pid=$!
  for _ in $(seq 200); do
    grep -q rebooting "$T/out" && break
    sleep 0.05
  done
  [ "$(action compute-0-0)" = install ]
  kill -INT "$pid"
  rc=0
  wait "$pid" || rc=$?
  [ "$rc" -eq 1 ]
  [ "$(cat "$T/err")" = "shoot-node: compute-0-0: interrupted" ]
  [ "$(mask_minutes <"$T/out")" = "compute-0-0: restarting
compute-0-0: rebooting
compute-0-0: error

HOST        RESULT MINUTES
compute-0-0 error  M.M" ]
  [ "$(action compute-0-0)" = os ]
}

@test "shoot-node --console --dry-run prints the ssh command" {
  rocks set attr --host=compute-0-0 console_port 2222
  run --separate-stderr shoot-node --console compute-0-0 --dry-run
  [ "$status" -eq 0 ]
  [ "$output" = "ssh -F $T/ssh/config -t -p 2222 -l root -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR compute-0-0 'tmux attach-session -t anaconda'" ]
  [ "$stderr" = "" ]
}

@test "shoot-node --console attaches over ssh to the installer's port" {
  start_sshd
  # The test sshd plays the installer's: its port, and a console that
  # says where it runs.
  rocks set attr --host=compute-0-0 console_port "$SSH_PORT"
  rocks set attr --host=compute-0-0 console_command 'echo console on port ${SSH_CONNECTION##* }'
  run --separate-stderr shoot-node --console=compute-0-0
  [ "$status" -eq 0 ]
  [ "$output" = "console on port $SSH_PORT" ]
  # ssh -t without a terminal says nothing at LogLevel=ERROR.
  [ "$stderr" = "" ]
}

@test "shoot-node --console rejects a bad console_port" {
  rocks set attr --host=compute-0-0 console_port 0
  fails_with "shoot-node: compute-0-0: console_port=0: invalid number (expected 1 to 65535)" shoot-node --console compute-0-0 --dry-run
}

@test "shoot-node --console names an unknown host" {
  fails_with "shoot-node: compute-0-9: unknown host (did you mean 'compute-0-0'?)" shoot-node --console compute-0-9
}

@test "shoot-node --console takes no other host" {
  fails_with "shoot-node: --console=compute-0-0: takes one host and no other selection" shoot-node --console compute-0-0 compute-0-1
}
