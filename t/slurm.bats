#!/usr/bin/env bats
# dbreport slurm-conf and slurm-nodes: the slurm.conf the database
# describes, run by a real munged and a real slurmctld (and one slurmd)
# on 127.0.0.1 with every state, spool, log and PID path in the test
# directory; sinfo and scontrol must show exactly the database's nodes and
# partitions. Bad input is one line naming it, and no output.

load helper
load report-fixture
load sshd
bats_require_minimum_version 1.5.0

setup() {
  rocks_setup
  PIDFILES=()
  # munged wants every directory above its socket searchable by all, which
  # the test directory is not.
  MUNGE_DIR=$(mktemp -d /tmp/rocks-munge.XXXXXX)
  chmod 0755 "$MUNGE_DIR"
}

teardown() {
  local f pid i
  for f in "${PIDFILES[@]}"; do
    [ -s "$f" ] || continue
    pid=$(cat "$f")
    kill "$pid" 2>/dev/null || continue
    for i in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
    kill -9 "$pid" 2>/dev/null || true
  done
  rm -rf "$MUNGE_DIR"
  rocks_teardown
}

# A cluster whose frontend is this machine (slurmctld runs only where
# SlurmctldHost names it) on 127.0.0.1: three compute hosts on loopback
# addresses, one of them in its own partition (Slurm_Partition) with its
# memory known, a login host that Slurm does not see, and Slurm's paths
# in $T/slurm.
slurm_cluster() {
  local h
  h=$(hostname -s)
  rocks init --frontend="$h" --private-network=127.0.0.0/8 --private-address=127.0.0.1 \
    --cluster-name=Demo
  rocks add host compute-0-0 appliance=compute rack=0 rank=0 cpus="$(nproc)" ip=127.0.0.2
  rocks add host compute-0-1 appliance=compute rack=0 rank=1 cpus=4 ip=127.0.0.3
  rocks add host compute-1-0 appliance=compute rack=1 rank=0 cpus=8 ip=127.0.0.4
  rocks add host login-0-0 appliance=login rack=0 rank=0 ip=127.0.0.5
  rocks set attr --host=compute-1-0 Slurm_Partition bigmem
  rocks set attr --host=compute-1-0 Slurm_RealMemory 64000
  mkdir -p "$T/slurm/state" "$T/slurm/spool" "$T/slurm/log" "$T/slurm/run"
  rocks set attr Slurm_StateDir "$T/slurm/state"
  rocks set attr Slurm_SpoolDir "$T/slurm/spool"
  rocks set attr Slurm_LogDir "$T/slurm/log"
  rocks set attr Slurm_RunDir "$T/slurm/run"
  rocks set attr Slurm_MungeSocket "$MUNGE_DIR/munge.socket"
  rocks set attr Slurm_SlurmctldPort "$(free_port tcp)"
  rocks set attr Slurm_SlurmdPort "$(free_port tcp)"
  rocks set attr Slurm_User root
}

# munged with a generated key and its own socket, all in $T/slurm.
start_munged() {
  mungekey --create --keyfile="$T/slurm/munge.key"
  munged --key-file="$T/slurm/munge.key" --socket="$MUNGE_DIR/munge.socket" \
    --pid-file="$MUNGE_DIR/munged.pid" --log-file="$T/slurm/munged.log" \
    --seed-file="$T/slurm/munged.seed"
  PIDFILES+=("$MUNGE_DIR/munged.pid")
  [ -S "$MUNGE_DIR/munge.socket" ]
}

# slurmctld on the generated slurm.conf; waits until it answers.
start_slurmctld() {
  export SLURM_CONF=$T/slurm/slurm.conf
  dbreport slurm-conf >"$SLURM_CONF"
  PIDFILES+=("$T/slurm/run/slurmctld.pid")
  slurmctld
  local i
  for i in $(seq 200); do
    scontrol ping 2>/dev/null | grep -q 'is UP' && return 0
    sleep 0.1
  done
  cat "$T/slurm/log/slurmctld.log" >&2
  return 1
}

# unknown_cpus HOST...: hosts whose CPU count was never recorded (cpus 0
# in the database; `rocks set host` refuses cpus=0).
unknown_cpus() {
  local h
  for h; do
    sqlite3 "${ROCKS_DB#sqlite:}" "UPDATE hosts SET cpus = 0 WHERE name = '$h'"
  done
}

@test "dbreport slurm-conf: cluster, controller, nodes and partitions" {
  slurm_cluster
  rocks set host compute-0-0 cpus=2
  rocks set attr Slurm_SlurmctldPort 6817
  rocks set attr Slurm_SlurmdPort 6818
  run --separate-stderr dbreport slurm-conf
  [ "$status" -eq 0 ]
  [ "$stderr" = "" ]
  output=${output//$T/@T@}
  output=${output//$MUNGE_DIR/@MUNGE@}
  output=${output//$(hostname -s)/@HOST@}
  golden slurm-conf
}

@test "slurmctld runs the generated slurm.conf; sinfo shows the database's nodes and partitions" {
  slurm_cluster
  start_munged
  start_slurmctld
  run --separate-stderr sinfo -h -o '%P %D %N'
  [ "$status" -eq 0 ]
  [ "$output" = "compute* 2 compute-0-[0-1]
bigmem 1 compute-1-0" ]
  run --separate-stderr sinfo -N -h -o '%N %P %c %m'
  [ "$status" -eq 0 ]
  [ "$output" = "compute-0-0 compute* $(nproc) 1
compute-0-1 compute* 4 1
compute-1-0 bigmem 8 64000" ]
  run --separate-stderr scontrol show config
  [[ "$output" == *"ClusterName             = demo"* ]]
  [[ "$output" == *"SlurmctldHost[0]        = $(hostname -s)(127.0.0.1)"* ]]
}

@test "a slurmd started for compute-0-0 registers with the controller" {
  slurm_cluster
  start_munged
  start_slurmctld
  PIDFILES+=("$T/slurm/run/slurmd.pid")
  slurmd -N compute-0-0
  local i state=
  for i in $(seq 200); do
    state=$(sinfo -h -n compute-0-0 -o '%T')
    [ "$state" = idle ] && break
    sleep 0.1
  done
  [ "$state" = idle ]
  run scontrol show node compute-0-0
  [[ "$output" == *"NodeAddr=127.0.0.2 NodeHostName=compute-0-0"* ]]
}

@test "dbreport slurm-nodes: the NodeName lines slurm-conf writes" {
  slurm_cluster
  run --separate-stderr dbreport slurm-nodes
  [ "$status" -eq 0 ]
  [ "$stderr" = "" ]
  [ "$output" = "# Generated by dbreport slurm-nodes from the cluster database: do not edit.
$(dbreport slurm-conf | grep '^NodeName=')" ]
}

@test "a host with no CPU count is an error naming it, in both reports" {
  slurm_cluster
  dbreport -o "$T/slurm.conf" slurm-conf
  cp "$T/slurm.conf" "$T/before"
  unknown_cpus compute-0-1
  fails_with "dbreport: compute-0-1: CPU count unknown (set it with 'rocks set host compute-0-1 cpus=N')" \
    dbreport -o "$T/slurm.conf" slurm-conf
  cmp "$T/before" "$T/slurm.conf"
  fails_with "dbreport: compute-0-1: CPU count unknown (set it with 'rocks set host compute-0-1 cpus=N')" \
    dbreport slurm-conf
  fails_with "dbreport: compute-0-1: CPU count unknown (set it with 'rocks set host compute-0-1 cpus=N')" \
    dbreport slurm-nodes
}

@test "every host with no CPU count is named" {
  slurm_cluster
  unknown_cpus compute-0-1 compute-1-0
  fails_with "dbreport: compute-0-1, compute-1-0: CPU count unknown (set it with 'rocks set host compute-0-1 cpus=N')" \
    dbreport slurm-conf
}

@test "a bad Slurm_RealMemory is an error naming the host and the value" {
  slurm_cluster
  rocks set attr --host=compute-1-0 Slurm_RealMemory 64G
  fails_with "dbreport: compute-1-0: Slurm_RealMemory=64G: not a whole number of MiB" \
    dbreport slurm-conf
}

@test "a bad Slurm_Partition is an error naming the host and the value" {
  slurm_cluster
  rocks set attr --appliance=compute Slurm_Partition 'batch#x'
  fails_with "dbreport: compute-0-0: Slurm_Partition=batch#x: not a partition name (letters, digits, - and _)" \
    dbreport slurm-conf
}

@test "a cluster name slurm.conf cannot hold is an error" {
  slurm_cluster
  rocks set attr Info_ClusterName 'My Cluster'
  fails_with "dbreport: Info_ClusterName=My Cluster: not a Slurm cluster name (letters, digits, - and _; set Slurm_ClusterName)" \
    dbreport slurm-conf
}

@test "a bad Slurm_ClusterName is an error" {
  slurm_cluster
  rocks set attr Slurm_ClusterName 'a=b'
  fails_with "dbreport: Slurm_ClusterName=a=b: not a Slurm cluster name (letters, digits, - and _; set Slurm_ClusterName)" \
    dbreport slurm-conf
}

@test "a cluster without a name is an error naming the attribute" {
  slurm_cluster
  rocks remove attr Info_ClusterName
  fails_with "dbreport: Info_ClusterName: global attribute not set (run 'rocks set attr Info_ClusterName VALUE')" \
    dbreport slurm-conf
}

@test "a controller name that is not a short host name is an error" {
  slurm_cluster
  rocks set attr Kickstart_PrivateHostname frontend.local
  fails_with "dbreport: Kickstart_PrivateHostname=frontend.local: not a short host name" \
    dbreport slurm-conf
}

@test "a controller address that is not one is an error" {
  slurm_cluster
  rocks set attr Kickstart_PrivateAddress 127.0.0
  fails_with "dbreport: Kickstart_PrivateAddress=127.0.0: invalid IPv4 address" dbreport slurm-conf
}

@test "a bad Slurm_MungeSocket is an error" {
  slurm_cluster
  rocks set attr Slurm_MungeSocket 'munge#socket'
  fails_with "dbreport: Slurm_MungeSocket=munge#socket: not an absolute path without blanks, quotes or '#'" \
    dbreport slurm-conf
}

@test "a Slurm_RealMemory of zero is an error" {
  slurm_cluster
  rocks set attr --appliance=compute Slurm_RealMemory 0
  fails_with "dbreport: compute-0-0: Slurm_RealMemory=0: not a whole number of MiB" dbreport slurm-conf
}

@test "a bad Slurm port is an error" {
  slurm_cluster
  rocks set attr Slurm_SlurmdPort 70000
  fails_with "dbreport: Slurm_SlurmdPort=70000: not a port number" dbreport slurm-conf
  rocks set attr Slurm_SlurmdPort 6818
  rocks set attr Slurm_SlurmctldPort x
  fails_with "dbreport: Slurm_SlurmctldPort=x: not a port number" dbreport slurm-conf
}

@test "a Slurm path that is relative or holds a blank is an error" {
  slurm_cluster
  rocks set attr Slurm_StateDir var/spool
  fails_with "dbreport: Slurm_StateDir=var/spool: not an absolute path without blanks, quotes or '#'" \
    dbreport slurm-conf
  rocks set attr Slurm_StateDir '/var/spool x'
  fails_with "dbreport: Slurm_StateDir=/var/spool x: not an absolute path without blanks, quotes or '#'" \
    dbreport slurm-conf
}

@test "a bad Slurm_User is an error" {
  slurm_cluster
  rocks set attr Slurm_User 'root x'
  fails_with "dbreport: Slurm_User=root x: not a user name" dbreport slurm-conf
}

@test "sync config writes slurm.conf only when every host's CPU count is known" {
  slurm_cluster
  printf 'slurm-conf | %s/slurm.conf | |\n' "$T/out" >"$T/sync.conf"
  mkdir "$T/out"
  printf 'sync_conf = %s\n' "$T/sync.conf" >>"$ROCKS_CONF"
  rocks sync config
  dbreport slurm-conf | cmp - "$T/out/slurm.conf"
  cp "$T/out/slurm.conf" "$T/before"
  unknown_cpus compute-0-1
  run --separate-stderr rocks sync config
  [ "$status" -eq 1 ]
  [[ "$stderr" == *"compute-0-1: CPU count unknown"* ]]
  cmp "$T/before" "$T/out/slurm.conf"
}

@test "the munge key is a secret: masked by list attr, in a compute node's kickstart only with Slurm" {
  slurm_cluster
  key=$(head -c 1024 /dev/urandom | base64 -w0)
  rocks set attr Slurm_MungeKey "$key"
  run --separate-stderr rocks list attr --format=tsv Slurm_MungeKey
  [ "$status" -eq 0 ]
  [ "$output" = "$(printf 'Slurm_MungeKey\t********\tglobal')" ]
  PROFILE=$(shipped_profile)
  kpp --profile="$PROFILE" --host=compute-0-0 >"$T/plain.xml"
  run grep -c -F "$key" "$T/plain.xml"
  [ "$output" = 0 ]
  rocks set attr Slurm_Enabled yes
  kpp --profile="$PROFILE" --host=compute-0-0 | kgen --postonly >"$T/post"
  # The key is the body of a file (data in a quoted here-document), never shell.
  grep -qxF "cat >/etc/munge/munge.key.b64 <<'ROCKS_EOF'" "$T/post"
  grep -qxF "$key" "$T/post"
  grep -qxF '  (umask 077 && base64 -d /etc/munge/munge.key.b64 >/etc/munge/munge.key)' "$T/post"
}
