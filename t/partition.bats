#!/usr/bin/env bats
# The shipped graph's partitioning: the %pre of a generated kickstart run
# (in a sandbox, as root) against a real disk, a loop device with a real
# GPT partition table and real file systems, and the partitioning it
# writes for the installer's %include: a reinstall keeps the data
# partition and its file system, a blank disk or Kickstart_Partitioning=
# force gets the whole layout, only the system disk is named. Golden files
# under t/expected/partition/ (ROCKS_UPDATE_GOLDEN=1 rewrites them), with
# the disk's name as DISK.

bats_require_minimum_version 1.5.0
load helper

setup() {
  rocks_setup
  [ "$(id -u)" -eq 0 ] || skip "needs root for loop devices"
  PROFILE=$ROCKS_SRCDIR/graphs
  EXPECTED=$ROCKS_SRCDIR/t/expected/partition
  GRAPHDATA=$ROCKS_SRCDIR/t/data/graph
  ROOTPW='$6$rocksdemo$jwJ.bMvfP5NC6wEFnh9L3Sx8h.zlelu9fqWjD.aXKc6vN7C3.pOen2IeG/IZfLtE4b2gWPU/7L19neran0n4A0'
  truncate -s 400M "$T/disk.img"
  LOOP=$(losetup --find --show --partscan "$T/disk.img")
  DISK=${LOOP#/dev/}
}

teardown() {
  if [ -n "${LOOP:-}" ]; then
    partx -d "$LOOP" 2>/dev/null || true
    losetup -d "$LOOP" || true
  fi
  rocks_teardown
}

# The partition devices of the loop device, made known to the kernel.
scan() {
  partx -u "$LOOP" 2>/dev/null || partx -a "$LOOP"
  local i
  for i in $(seq 50); do
    [ -b "${LOOP}p$1" ] && return 0
    sleep 0.1
  done
  echo "no ${LOOP}p$1" >&2
  return 1
}

# previous_install DATA_LABEL SYSTEM_LABEL...: the disk as a previous
# install left it: biosboot, then one small file system per system label
# (swap for rocks-swap), then the data partition holding results.dat.
previous_install() {
  local data=$1 n=1 label
  shift
  sgdisk -o -n1:0:+1M -t1:ef02 "$LOOP" >/dev/null
  for label in "$@"; do
    n=$((n + 1))
    sgdisk -n"$n":0:+24M "$LOOP" >/dev/null
  done
  DATA_PART=$((n + 1))
  sgdisk -n"$DATA_PART":0:0 "$LOOP" >/dev/null
  scan "$DATA_PART"
  n=1
  for label in "$@"; do
    n=$((n + 1))
    if [ "$label" = rocks-swap ]; then
      mkswap -L "$label" "${LOOP}p$n" >/dev/null
    else
      mkfs.ext4 -q -L "$label" "${LOOP}p$n"
    fi
  done
  mkdir -p "$T/data"
  echo precious >"$T/data/results.dat"
  mkfs.ext4 -q -L "$data" -d "$T/data" "${LOOP}p$DATA_PART"
  DATA_SUM=$(sha256sum <"${LOOP}p$DATA_PART")
}

# run_pre APP [ATTR=VALUE...]: the kickstart of APP with the loop device as
# system disk; its partitioning %pre run in the sandbox. Sets KS and PART
# (the partitioning it wrote, the disk's name as DISK).
run_pre() {
  local app=$1 a attrs=()
  shift
  for a in "$@"; do attrs+=(--attr="$a"); done
  kpp --profile="$PROFILE" --appliance="$app" --attr="Kickstart_RootPassword=$ROOTPW" \
    --attr="Kickstart_SystemDisk=$DISK" --attr=Kickstart_DistURL=http://10.1.1.1/install/rocks-dist \
    "${attrs[@]}" | kgen >"$T/$app.ks"
  KS=$T/$app.ks
  mkdir -p "$T/split"
  "$GRAPHDATA/ks-split" "$KS" "$T/split" >/dev/null
  local pre
  pre=$(grep -l '^/tmp/rocks-partition ' "$T/split"/*-pre.sh)
  bash -n "$pre"
  ROCKS_FIRMWARE=bios run --separate-stderr "$GRAPHDATA/ks-sandbox" "$T/root" "$pre"
  [ "$status" -eq 0 ]
  [ "$stderr" = "" ]
  PART=$T/$app-partition.ks
  sed -E "s/\\b$DISK(p[0-9]+)?\\b/DISK\\1/g" "$T/root/tmp/rocks-partition.ks" >"$PART"
}

# golden NAME: PART against t/expected/partition/NAME.ks; the kickstart
# with the partitioning included passes the kickstart lint.
golden() {
  if [ -n "${ROCKS_UPDATE_GOLDEN:-}" ]; then cp "$PART" "$EXPECTED/$1.ks"; fi
  diff -u "$EXPECTED/$1.ks" "$PART"
  run "$GRAPHDATA/ks-lint" -v root="$T/root" "$KS"
  [ "$status" -eq 0 ]
  [ "$output" = "" ]
}

# The data partition and its file are as the previous install left them.
data_kept() {
  [ "$(sha256sum <"${LOOP}p$DATA_PART")" = "$DATA_SUM" ]
  [ "$(debugfs -R 'cat /results.dat' "${LOOP}p$DATA_PART" 2>/dev/null)" = precious ]
}

@test "a blank disk gets the whole compute layout, on the system disk only" {
  run_pre compute
  golden compute-first
}

@test "a compute reinstall formats the system partitions again and keeps /state/partition1" {
  previous_install rocks-state1 rocks-boot rocks-root rocks-var rocks-swap
  run_pre compute
  golden compute-reinstall
  grep -qx "part /state/partition1 --onpart=DISKp$DATA_PART --noformat" "$PART"
  data_kept
}

@test "Kickstart_Partitioning=force wipes the system disk of a previous install" {
  previous_install rocks-state1 rocks-boot rocks-root rocks-var rocks-swap
  run_pre compute Kickstart_Partitioning=force
  diff -u "$EXPECTED/compute-first.ks" "$PART"
  # The %pre itself only reads the disk: wiping is the installer's job.
  data_kept
}

@test "a nas reinstall keeps /export, where the home directories live" {
  previous_install rocks-export rocks-boot rocks-root rocks-swap
  run_pre nas
  golden nas-reinstall
  grep -qx "part /export --onpart=DISKp$DATA_PART --noformat" "$PART"
  data_kept
}

@test "a disk of another system's partitions is a first install" {
  sgdisk -o -n1:0:+32M -n2:0:0 "$LOOP" >/dev/null
  scan 2
  mkfs.ext4 -q -L home "${LOOP}p2"
  run_pre nas
  golden nas-first
}

@test "the frontend and login layouts pass the lint" {
  run_pre frontend
  golden frontend-first
  rm -rf "$T/split" "$T/root"
  run_pre login
  golden login-first
}

@test "rocks-partition refuses a bad mode and a disk that is not a block device" {
  run_pre compute
  cp "$ROCKS_SRCDIR/graphs/include/rocks-partition" "$T/rp"
  fails_with "rocks-partition: wipe: expected keep or force" bash "$T/rp" "$DISK" wipe "$T/root/tmp/rocks-layout"
  fails_with "rocks-partition: /dev/no-such-disk: not a block device" bash "$T/rp" no-such-disk keep "$T/root/tmp/rocks-layout"
}
