#!/usr/bin/env bats
# snmp-status against real snmpd agents that each test starts on
# 127.0.0.x addresses (one agent per simulated host, all on one spare UDP
# port), listing processes the test itself started.

bats_require_minimum_version 1.5.0
load helper

setup() {
  rocks_setup
  AGENT_PIDS=()
  MARK_PIDS=()
  STOPPED_PIDS=()
  pick_port
}

teardown() {
  local p
  for p in "${MARK_PIDS[@]}" "${AGENT_PIDS[@]}"; do
    kill "$p" 2>/dev/null || true
  done
  for p in "${STOPPED_PIDS[@]}"; do
    kill -CONT "$p" 2>/dev/null || true
  done
  rocks_teardown
}

# A UDP port nothing listens on, anywhere on the machine.
pick_port() {
  local i
  for i in $(seq 50); do
    PORT=$((20000 + RANDOM % 40000))
    [ -z "$(ss -Hluna "sport = :$PORT")" ] && return 0
  done
  return 1
}

# start_agent ADDR [CONFIG-LINE...]: a real snmpd answering on ADDR:$PORT,
# with only the configuration given (default: read-only community
# "public"), no SMUX or AgentX port, its files under $T.
start_agent() {
  local addr=$1 dir=$T/agent-$1 pid i
  shift
  [ $# -gt 0 ] || set -- "rocommunity public 127.0.0.0/8"
  mkdir -p "$dir/persist"
  printf '%s\n' "$@" >"$dir/snmpd.conf"
  TZ=UTC MIBS= SNMP_PERSISTENT_DIR=$dir/persist \
    /usr/sbin/snmpd -f -Lo -C -I -smux -c "$dir/snmpd.conf" "udp:$addr:$PORT" \
    >"$dir/log" 2>&1 3>&- &
  pid=$!
  AGENT_PIDS+=("$pid")
  for i in $(seq 1000); do
    grep -q '^NET-SNMP version' "$dir/log" && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.02
  done
  echo "snmpd on $addr:$PORT did not start:" >&2
  cat "$dir/log" >&2
  return 1
}

# start_marker SUFFIX [ARG...]: runs sleep under a name of this test's own
# (MARK_PREFIX + SUFFIX) so that --match can pick exactly it; sets MARK_PID.
start_marker() {
  local name=$MARK_PREFIX$1
  shift
  mkdir -p "$T/bin"
  ln -sf "$(command -v sleep)" "$T/bin/$name"
  "$T/bin/$name" "$@" 3>&- &
  MARK_PID=$!
  MARK_PIDS+=("$MARK_PID")
}

# The process's line as the agent reports it: CPU (utime + stime, in
# centiseconds) and resident memory in KiB, both from /proc.
proc_line() {
  local pid=$1 name=$2 args=$3
  local stat
  stat=$(sed 's/.*) //' "/proc/$pid/stat")
  set -- $stat
  local cs=$((${12} + ${13})) kb=$((${22} * $(getconf PAGESIZE) / 1024))
  printf '%s\t%d.%02d\t%s\t%s\t%s\n' "$pid" $((cs / 100)) $((cs % 100)) "$kb" "$name" "$args"
}

MARK_PREFIX=sm$RANDOM

@test "lists a process the test started, with its arguments" {
  start_marker a 1000 17
  start_agent 127.0.0.2
  run --separate-stderr snmp-status --port="$PORT" --match="^${MARK_PREFIX}a\$" 127.0.0.2
  [ "$stderr" = "" ]
  [ "$status" -eq 0 ]
  [ "$output" = "$(proc_line "$MARK_PID" "${MARK_PREFIX}a" "1000 17")" ]
}

@test "HOST:PORT and -p name the agent and the process table" {
  start_marker a 1000 18
  start_agent 127.0.0.2
  run --separate-stderr snmp-status -p --match="^${MARK_PREFIX}a\$" "127.0.0.2:$PORT"
  [ "$stderr" = "" ]
  [ "$status" -eq 0 ]
  [ "$output" = "$(proc_line "$MARK_PID" "${MARK_PREFIX}a" "1000 18")" ]
}

@test "SNMPv1 walks with GETNEXT and gets the same lines" {
  start_marker a 1000 19
  start_agent 127.0.0.2
  run --separate-stderr snmp-status --snmp-version=1 --port="$PORT" \
    --match="^${MARK_PREFIX}a\$" 127.0.0.2
  [ "$stderr" = "" ]
  [ "$status" -eq 0 ]
  [ "$output" = "$(proc_line "$MARK_PID" "${MARK_PREFIX}a" "1000 19")" ]
}

@test "several hosts: every line starts with host:" {
  start_marker a 1000 20
  start_agent 127.0.0.2
  start_agent 127.0.0.3
  run --separate-stderr snmp-status --port="$PORT" --match="^${MARK_PREFIX}a\$" \
    127.0.0.3 127.0.0.2
  [ "$stderr" = "" ]
  [ "$status" -eq 0 ]
  local line
  line=$(proc_line "$MARK_PID" "${MARK_PREFIX}a" "1000 20")
  [ "$output" = "$(printf '127.0.0.3:\t%s\n127.0.0.2:\t%s' "$line" "$line")" ]
}

@test "--format=table aligns the columns under a header" {
  start_marker a 1000 21
  start_marker bb 1000 2100
  local pa=${MARK_PIDS[0]} pb=${MARK_PIDS[1]}
  start_agent 127.0.0.2
  run --separate-stderr snmp-status --format=table --port="$PORT" \
    --match="^${MARK_PREFIX}(a|bb)\$" 127.0.0.2
  [ "$stderr" = "" ]
  [ "$status" -eq 0 ]
  local expected
  expected=$({ printf 'PID\tCPU\tMEM\tNAME\tARGS\n'
               proc_line "$pa" "${MARK_PREFIX}a" "1000 21"
               proc_line "$pb" "${MARK_PREFIX}bb" "1000 2100"; } |
             awk -F'\t' '{ for (i = 1; i <= 5; i++) { c[NR, i] = $i;
                             if (length($i) > w[i]) w[i] = length($i) } }
                         END { for (r = 1; r <= NR; r++) {
                                 l = ""; for (i = 1; i < 5; i++) l = l sprintf("%-*s ", w[i], c[r, i]);
                                 print l c[r, 5] } }')
  [ "$output" = "$expected" ]
  [ "${lines[0]%% *}" = "PID" ]
}

@test "--format=json prints the processes as an array of objects" {
  start_marker a 1000 22
  start_agent 127.0.0.2
  run --separate-stderr snmp-status --format=json --port="$PORT" \
    --match="^${MARK_PREFIX}a\$" 127.0.0.2 127.0.0.2
  [ "$stderr" = "" ]
  [ "$status" -eq 0 ]
  local pid cpu mem name args
  IFS=$'\t' read -r pid cpu mem name args <<<"$(proc_line "$MARK_PID" "${MARK_PREFIX}a" "1000 22")"
  local obj="      {
         \"host\": \"127.0.0.2\",
         \"pid\": $pid,
         \"cpu\": $cpu,
         \"mem\": $mem,
         \"name\": \"$name\",
         \"args\": \"1000 22\"
      }"
  [ "$output" = "$(printf '{\n   "processes": [\n%s,%s\n   ]\n}' "$obj" "${obj#      }")" ]
}

@test "-v adds a header line to tsv" {
  start_marker a 1000 23
  start_agent 127.0.0.2
  run --separate-stderr snmp-status -v --format=tsv --port="$PORT" \
    --match="^${MARK_PREFIX}a\$" 127.0.0.2
  [ "$stderr" = "" ]
  [ "$status" -eq 0 ]
  [ "$output" = "$(printf 'PID\tCPU\tMEM\tNAME\tARGS\n'; proc_line "$MARK_PID" "${MARK_PREFIX}a" "1000 23")" ]
}

@test "--match keeps only matching names; none is an empty listing" {
  start_marker a 1000 24
  start_marker b 1000 25
  start_agent 127.0.0.2
  run --separate-stderr snmp-status --port="$PORT" --match="^${MARK_PREFIX}b\$" 127.0.0.2
  [ "$stderr" = "" ]
  [ "$status" -eq 0 ]
  [ "$output" = "$(proc_line "${MARK_PIDS[1]}" "${MARK_PREFIX}b" "1000 25")" ]
  run --separate-stderr snmp-status --port="$PORT" --match="^${MARK_PREFIX}zz\$" 127.0.0.2
  [ "$stderr" = "" ]
  [ "$status" -eq 0 ]
  [ "$output" = "" ]
}

@test "--sort=mem, --sort=cpu and --sort=name order the lines" {
  mkdir -p "$T/bin"
  # Three processes told apart by memory and CPU time: a sleep, a shell
  # holding a large string, and a shell that burned CPU first. The shells
  # wait on sleep children, which have their own name.
  start_marker s 1000 26
  ln -sf "$(command -v bash)" "$T/bin/${MARK_PREFIX}m"
  ln -sf "$(command -v bash)" "$T/bin/${MARK_PREFIX}c"
  "$T/bin/${MARK_PREFIX}m" -c 'x=$(head -c 8000000 /dev/zero | tr "\0" x); while :; do sleep 1000; done' 3>&- &
  MARK_PIDS+=("$!")
  "$T/bin/${MARK_PREFIX}c" -c 'i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done; while :; do sleep 1000; done' 3>&- &
  MARK_PIDS+=("$!")
  local p
  for p in "${MARK_PIDS[@]:1}"; do
    while [ -z "$(pgrep -P "$p" -x sleep)" ]; do sleep 0.05; done
  done
  start_agent 127.0.0.2
  local all
  all=$(proc_line "${MARK_PIDS[0]}" "${MARK_PREFIX}s" "1000 26"
        proc_line "${MARK_PIDS[1]}" "${MARK_PREFIX}m" '-c x=$(head -c 8000000 /dev/zero | tr "\\0" x); while :; do sleep 1000; done'
        proc_line "${MARK_PIDS[2]}" "${MARK_PREFIX}c" '-c i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done; while :; do sleep 1000; done')
  local match="^${MARK_PREFIX}[smc]\$"
  run --separate-stderr snmp-status --sort=mem --port="$PORT" --match="$match" 127.0.0.2
  [ "$stderr" = "" ]
  [ "$status" -eq 0 ]
  [ "$output" = "$(sort -t$'\t' -k3,3nr -k1,1n <<<"$all")" ]
  [ "${lines[0]%%$'\t'*}" = "${MARK_PIDS[1]}" ]
  run --separate-stderr snmp-status --sort=cpu --port="$PORT" --match="$match" 127.0.0.2
  [ "$stderr" = "" ]
  [ "$status" -eq 0 ]
  [ "$output" = "$(sort -t$'\t' -k2,2gr -k1,1n <<<"$all")" ]
  [ "${lines[0]%%$'\t'*}" = "${MARK_PIDS[2]}" ]
  run --separate-stderr snmp-status --sort=name --port="$PORT" --match="$match" 127.0.0.2
  [ "$stderr" = "" ]
  [ "$status" -eq 0 ]
  [ "$output" = "$(sort -t$'\t' -k4,4 <<<"$all")" ]
  run --separate-stderr snmp-status --sort=pid --port="$PORT" --match="$match" 127.0.0.2
  [ "$status" -eq 0 ]
  [ "$output" = "$(sort -t$'\t' -k1,1n <<<"$all")" ]
}

# What the agent reads from dpkg: the package name, version and
# architecture, installed at the time of its file list.
snmpd_package_line() {
  local pkg date
  pkg=$(dpkg-query -W -f='${Package}_${Version}_${Architecture}' snmpd)
  date=$(TZ=UTC date -r /var/lib/dpkg/info/snmpd.list +%Y-%m-%dT%H:%M:%S+00:00)
  printf '%s\tapplication\t%s' "$pkg" "$date"
}

@test "-r lists the installed software from hrSWInstalledTable" {
  command -v dpkg-query >/dev/null || skip "the agent lists dpkg packages here"
  start_agent 127.0.0.2
  run --separate-stderr snmp-status -r --port="$PORT" --match='^snmpd_' 127.0.0.2
  [ "$stderr" = "" ]
  [ "$status" -eq 0 ]
  [ "$output" = "$(snmpd_package_line)" ]
  # Every installed package is there, and nothing else.
  run --separate-stderr snmp-status -r --port="$PORT" 127.0.0.2
  [ "$status" -eq 0 ]
  [ "$(cut -f1 <<<"$output" | sort)" = \
    "$(dpkg-query -W -f='${db:Status-Abbrev} ${Package}_${Version}_${Architecture}\n' |
       awk '$1 ~ /^.i/ { print $2 }' | sort)" ]
}

@test "-a lists processes, then software" {
  command -v dpkg-query >/dev/null || skip "the agent lists dpkg packages here"
  start_marker a 1000 27
  start_agent 127.0.0.2
  run --separate-stderr snmp-status -a --port="$PORT" \
    --match="^(${MARK_PREFIX}a|snmpd_.*)\$" 127.0.0.2
  [ "$stderr" = "" ]
  [ "$status" -eq 0 ]
  [ "$output" = "$(proc_line "$MARK_PID" "${MARK_PREFIX}a" "1000 27"; snmpd_package_line)" ]
  run --separate-stderr snmp-status -a --format=json --port="$PORT" \
    --match="^(${MARK_PREFIX}a|snmpd_.*)\$" 127.0.0.2
  [ "$status" -eq 0 ]
  local pid cpu mem name args pkg type date
  IFS=$'\t' read -r pid cpu mem name args <<<"$(proc_line "$MARK_PID" "${MARK_PREFIX}a" "1000 27")"
  IFS=$'\t' read -r pkg type date <<<"$(snmpd_package_line)"
  [ "$output" = "{
   \"processes\": [
      {
         \"pid\": $pid,
         \"cpu\": $cpu,
         \"mem\": $mem,
         \"name\": \"$name\",
         \"args\": \"1000 27\"
      }
   ],
   \"software\": [
      {
         \"name\": \"$pkg\",
         \"type\": \"application\",
         \"date\": \"$date\"
      }
   ]
}" ]
}

@test "the compute hosts of the database, at their private addresses" {
  rocks init --frontend=frontend --private-network=127.0.0.0/8 \
    --private-address=127.0.0.254
  rocks add host compute-0-0 appliance=compute ip=127.0.0.2
  rocks add host compute-0-1 appliance=compute ip=127.0.0.3
  rocks add host login-0-0 appliance=login ip=127.0.0.4
  start_marker a 1000 28
  start_agent 127.0.0.2
  start_agent 127.0.0.3
  start_agent 127.0.0.4
  run --separate-stderr snmp-status --port="$PORT" --match="^${MARK_PREFIX}a\$"
  [ "$stderr" = "" ]
  [ "$status" -eq 0 ]
  local line
  line=$(proc_line "$MARK_PID" "${MARK_PREFIX}a" "1000 28")
  [ "$output" = "$(printf 'compute-0-0:\t%s\ncompute-0-1:\t%s' "$line" "$line")" ]
}

@test "a compute host without an address fails, the others still print" {
  rocks init --frontend=frontend --private-network=127.0.0.0/8 \
    --private-address=127.0.0.254
  rocks add host compute-0-0 appliance=compute ip=127.0.0.2
  rocks add host compute-0-1 appliance=compute
  start_marker a 1000 29
  start_agent 127.0.0.2
  run --separate-stderr snmp-status --port="$PORT" --match="^${MARK_PREFIX}a\$"
  [ "$stderr" = "snmp-status: compute-0-1: no IP address" ]
  [ "$status" -eq 1 ]
  [ "$output" = "$(printf 'compute-0-0:\t%s' "$(proc_line "$MARK_PID" "${MARK_PREFIX}a" "1000 29")")" ]
}

@test "a selection names hosts of the database: appliance:, ranges, rack:" {
  rocks init --frontend=frontend --private-network=127.0.0.0/8 \
    --private-address=127.0.0.254
  rocks add host compute-0-0 appliance=compute ip=127.0.0.2
  rocks add host compute-0-1 appliance=compute ip=127.0.0.3
  rocks add host login-0-0 appliance=login ip=127.0.0.4
  start_marker a 1000 30
  start_agent 127.0.0.2
  start_agent 127.0.0.4
  run --separate-stderr snmp-status --port="$PORT" --match="^${MARK_PREFIX}a\$" \
    appliance:login 'compute-0-[0]'
  [ "$stderr" = "" ]
  [ "$status" -eq 0 ]
  local line
  line=$(proc_line "$MARK_PID" "${MARK_PREFIX}a" "1000 30")
  [ "$output" = "$(printf 'compute-0-0:\t%s\nlogin-0-0:\t%s' "$line" "$line")" ]
}

@test "a selection that matches no host is an error that says so" {
  rocks init --frontend=frontend
  fails_with "snmp-status: rack:7: no host matches" snmp-status rack:7
}

@test "no compute host in the database is an error" {
  rocks init --frontend=frontend
  fails_with "snmp-status: no compute hosts in the cluster database" snmp-status
}

@test "a wrong community gets no answer: a timeout" {
  start_agent 127.0.0.2
  fails_with "snmp-status: 127.0.0.2: timeout after 1 try of 0.2 s (no agent, or wrong community)" snmp-status -c wrong -t 0.2 --retries=0 --port="$PORT" 127.0.0.2
}

@test "a dead port is a timeout; the other hosts still print" {
  start_marker a 1000 30
  start_agent 127.0.0.2
  local dead=$PORT
  pick_port
  run --separate-stderr snmp-status --timeout=0.2 --retries=1 \
    --match="^${MARK_PREFIX}a\$" "127.0.0.5:$PORT" "127.0.0.2:$dead"
  [ "$stderr" = "snmp-status: 127.0.0.5:$PORT: timeout after 2 tries of 0.2 s (no agent, or wrong community)" ]
  [ "$status" -eq 1 ]
  [ "$output" = "$(printf '127.0.0.2:%s:\t%s' "$dead" "$(proc_line "$MARK_PID" "${MARK_PREFIX}a" "1000 30")")" ]
}

@test "an agent that stopped answering times out" {
  start_agent 127.0.0.2
  kill -STOP "${AGENT_PIDS[0]}"
  STOPPED_PIDS+=("${AGENT_PIDS[0]}")
  fails_with "snmp-status: 127.0.0.2: timeout after 3 tries of 0.1 s (no agent, or wrong community)" snmp-status --timeout=0.1 --retries=2 --port="$PORT" 127.0.0.2
}

@test "an unknown host name fails, the other hosts still print" {
  start_marker a 1000 31
  start_agent 127.0.0.2
  run --separate-stderr snmp-status --format=table --port="$PORT" \
    --match="^${MARK_PREFIX}a\$" nosuch.invalid 127.0.0.2
  [ "$stderr" = "snmp-status: nosuch.invalid: unknown host name" ]
  [ "$status" -eq 1 ]
  local pid cpu mem name args
  IFS=$'\t' read -r pid cpu mem name args <<<"$(proc_line "$MARK_PID" "${MARK_PREFIX}a" "1000 31")"
  [ "${#lines[@]}" -eq 2 ]
  [ "${lines[1]}" = "127.0.0.2: $(printf '%-*s %-*s %-*s %-*s %s' \
        "$(( ${#pid} > 3 ? ${#pid} : 3 ))" "$pid" 4 "$cpu" \
        "$(( ${#mem} > 3 ? ${#mem} : 3 ))" "$mem" "${#name}" "$name" "$args")" ]
}

@test "an agent without HOST-RESOURCES-MIB is reported (v2c and v1)" {
  start_agent 127.0.0.2 "view sysonly included .1.3.6.1.2.1.1" \
    "rocommunity public 127.0.0.0/8 -V sysonly"
  fails_with "snmp-status: 127.0.0.2: no HOST-RESOURCES-MIB" snmp-status --port="$PORT" 127.0.0.2
  fails_with "snmp-status: 127.0.0.2: no HOST-RESOURCES-MIB" snmp-status --snmp-version=1 -r --port="$PORT" 127.0.0.2
}

@test "bad option values are usage errors" {
  local args expected
  while IFS='|' read -r args expected; do
    fails_with "$expected" snmp-status $args 127.0.0.2
  done <<'EOF'
--format=xml|snmp-status: --format=xml: unknown format (expected table, tsv or json)
--sort=size|snmp-status: --sort=size: unknown sort key (expected pid, cpu, mem or name)
--snmp-version=3|snmp-status: --snmp-version=3: unknown version (expected 1 or 2c)
--port=0|snmp-status: --port=0: invalid number (expected 1 to 65535)
--timeout=soon|snmp-status: --timeout=soon: invalid time (expected seconds, or a number with s, m or h)
--timeout=0|snmp-status: --timeout=0: invalid time (expected seconds, or a number with s, m or h)
--retries=-1|snmp-status: --retries=-1: invalid number (expected 0 to 100)
--match=(|snmp-status: --match=(: Unmatched ( or \(
EOF
}

@test "a malformed host argument is a usage error" {
  fails_with "snmp-status: no_such_host: invalid host name" snmp-status no_such_host
  fails_with "snmp-status: 127.0.0.2:70000: invalid port" snmp-status 127.0.0.2:70000
}

@test "nothing from net-snmp reaches stderr, even with MIB files around" {
  start_agent 127.0.0.2
  run --separate-stderr env MIBS=ALL snmp-status --port="$PORT" --match='^$' 127.0.0.2
  [ "$stderr" = "" ]
  [ "$status" -eq 0 ]
  [ "$output" = "" ]
}
