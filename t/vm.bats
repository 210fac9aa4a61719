#!/usr/bin/env bats
# Virtual nodes against a real libvirtd: the test's own (t/data/vm/
# libvirtd.bash), in the network namespace of the frontend that
# t/data/boot/frontend.bash builds, so that a VM's NIC joins the
# frontend's bridge br0 and the guest PXE boots from its dhcpd, tftpd-hpa
# and Apache with kickstart.cgi, like any node. QEMU runs TCG. One
# container, vm-container-0-0, holds the VM the tests make; a second one's
# disk directory is a 16 MiB tmpfs; a third one cannot be reached.
#
# The tests run in order: add, the errors, create and start (the guest
# installs), list, stop, shoot-node, remove.
#
# Needs root (namespaces, tap devices) and the packages share/install-deps
# installs.

bats_require_minimum_version 1.5.0
load helper
load data/boot/frontend
load data/vm/libvirtd

VM=compute-0-0-1
VM_MAC=52:54:00:00:00:01

setup_file() {
  export W NS
  W=$(mktemp -d /tmp/rocks-vm.XXXXXX)
  chmod 755 "$W"
  NS=rvm$$
  BOOT_GUESTS=()
  boot_frontend_prepare
  # libvirtd's drivers take seconds to come up: start it now, reach it later.
  vm_libvirtd_start "$W/small"
  rocks add host vm-container-0-0 appliance=vm-container rack=0 rank=0 \
    mac=52:54:00:fe:10:01 ip=10.1.255.1
  rocks add host vm-container-0-1 appliance=vm-container rack=0 rank=1 \
    mac=52:54:00:fe:10:02 ip=10.1.255.2
  rocks add host vm-container-0-2 appliance=vm-container rack=0 rank=2 \
    mac=52:54:00:fe:10:03 ip=10.1.255.3
  rocks add attr --appliance=vm-container vm_connect "$VM_URI"
  rocks add attr --host=vm-container-0-0 vm_disk_dir "$W/disks"
  rocks add attr --host=vm-container-0-1 vm_disk_dir "$W/small"
  rocks add attr --host=vm-container-0-2 vm_connect "qemu+unix:///system?socket=$W/nowhere"
  boot_frontend_start
}

teardown_file() {
  vm_libvirtd_stop
  boot_frontend_down
}

events_of() {
  sqlite3 "$W/db/cluster.db" "SELECT e.state FROM install_events e JOIN hosts h
    ON h.id = e.host WHERE h.name = '$1' ORDER BY e.id"
}

@test "add host vm adds compute-0-0-1 on vm-container-0-0: a host with a KVM MAC and an address" {
  run --separate-stderr rocks add host vm vm-container-0-0 appliance=compute mem=512 disk=2G
  [ "$status" -eq 0 ]
  [ "$stderr" = "" ]
  [ "$output" = "Added VM $VM on vm-container-0-0 (slice 1)" ]
  [ "$(rocks list host --format=tsv $VM)" = "$(printf "$VM\tcompute\t0\t0\t1\tinstall\t10.255.255.254\t$VM_MAC\t")" ]
  [ "$(rocks list host vm --format=tsv)" = "$(printf "vm-container-0-0\t1\t512\t1\t$VM_MAC\t$VM\tundefined")" ]
  [ "$(sqlite3 "$W/db/cluster.db" 'SELECT slice, mem, cpus, disk FROM vm_slices')" = "1|512|1|2048" ]
}

@test "add host vm: an unknown container" {
  fails_unchanged "rocks: add host vm: vm-container-9-9: unknown host" \
    add host vm vm-container-9-9 appliance=compute
}

@test "add host vm: a host that is no VM container" {
  fails_unchanged "rocks: add host vm: frontend: not a VM container (appliance frontend)" \
    add host vm frontend appliance=compute
}

@test "add host vm: a container that cannot be reached" {
  fails_unchanged "rocks: add host vm: vm-container-0-2: cannot connect to qemu+unix:///system?socket=$W/nowhere: Failed to connect socket to '$W/nowhere': No such file or directory" \
    add host vm vm-container-0-2 appliance=compute
}

@test "add host vm: not enough memory on the container" {
  # libvirt counts the memory of the host's NUMA nodes.
  local total
  total=$(awk '/MemTotal/ { s += $4 } END { print int(s / 1024) }' \
    /sys/devices/system/node/node*/meminfo)
  fails_unchanged "rocks: add host vm: vm-container-0-0: not enough memory: $((total * 2)) MiB asked, $((total - 512)) MiB of $total MiB left" \
    add host vm vm-container-0-0 appliance=compute mem=$((total * 2))
}

@test "add host vm: not enough disk on the container" {
  fails_unchanged "rocks: add host vm: vm-container-0-1: not enough disk in $W/small: 1024 MiB asked, 16 MiB free" \
    add host vm vm-container-0-1 appliance=compute mem=64 disk=1G
}

@test "remove host refuses a VM and a container that holds one" {
  fails_unchanged "rocks: $VM: a VM on vm-container-0-0 (it goes with its domain)" \
    remove host $VM
  fails_unchanged "rocks: vm-container-0-0: holds VM $VM" remove host vm-container-0-0
}

@test "create and start: the VM PXE boots from the frontend, gets its kickstart and reports installed" {
  # dhcpd and the PXE files learn the new host.
  rocks sync config
  run --separate-stderr rocks create host vm $VM
  [ "$status" -eq 0 ]
  [ "$output$stderr" = "" ]
  [ -f "$W/disks/$VM.qcow2" ]
  [ "$(rocks list host vm --format=tsv $VM | cut -f7)" = off ]
  run --separate-stderr rocks start host vm $VM
  [ "$status" -eq 0 ]
  [ "$output$stderr" = "" ]
  rocks console $VM </dev/null >"$W/console.out" 2>"$W/console.err" 3>&- &
  echo $! >"$W/console.bg"
  local i
  # TCG on a loaded host: as long as t/netboot.bats gives its guests.
  for i in $(seq 600); do
    events_of $VM | grep -qx installed && break
    sleep 0.5
  done
  [ "$(events_of $VM | tr '\n' ' ')" = "profile-sent installing installed " ] ||
    { events_of $VM; tail -c 2000 "$W/console.out"; false; }
  grep -aq "^10.255.255.254 .*\"GET /install/sbin/kickstart.cgi HTTP/1.1\" 200" "$W/httpd-access.log"
  grep -q "DHCPACK on 10.255.255.254 to $VM_MAC via br0" "$W/dhcpd.log"
}

@test "console shows the VM's serial output" {
  boot_wait_for "rocks-installer: state installed: $VM: installed" 20 "$W/console.out"
  grep -aq "rocks-installer: kickstart for $VM.local" "$W/console.out"
  [ ! -s "$W/console.err" ]
}

@test "list host vm shows the VM running, live from libvirt" {
  run --separate-stderr rocks list host vm --format=table
  [ "$status" -eq 0 ]
  [ "$output" = "VM-HOST          SLICE MEM CPUS MAC               HOST          STATUS
vm-container-0-0 1     512 1    $VM_MAC $VM running" ]
  run --separate-stderr rocks list host vm --format=tsv vm-container-0-1 $VM
  [ "$output" = "$(printf "vm-container-0-0\t1\t512\t1\t$VM_MAC\t$VM\trunning")" ]
}

@test "create host vm: the domain already exists; and another cluster's VM of that name" {
  fails_unchanged "rocks: create host vm: vm-container-0-0: domain $VM already exists" \
    create host vm $VM
  # A second frontend that shares the container picks the same name.
  ROCKS_DB=sqlite:$W/other.db rocks init --frontend=other --private-mac=52:54:00:fe:00:09
  ROCKS_DB=sqlite:$W/other.db rocks add host vm-container-0-0 appliance=vm-container \
    mac=52:54:00:fe:10:01 ip=10.1.255.1
  ROCKS_DB=sqlite:$W/other.db rocks add attr --host=vm-container-0-0 vm_connect "$VM_URI"
  ROCKS_DB=sqlite:$W/other.db rocks add attr --host=vm-container-0-0 vm_disk_dir "$W/disks"
  ROCKS_DB=sqlite:$W/other.db fails_unchanged \
    "rocks: add host vm: vm-container-0-0: domain $VM already exists" \
    add host vm vm-container-0-0 appliance=compute mem=64
  [ "$(rocks list host vm --format=tsv $VM | cut -f7)" = running ]
}

@test "stop: a shutdown request, then --force pulls the plug and the console ends" {
  run --separate-stderr rocks stop host vm $VM
  [ "$status" -eq 0 ]
  [ "$output$stderr" = "" ]
  run --separate-stderr rocks stop host vm --force $VM
  [ "$status" -eq 0 ]
  [ "$output$stderr" = "" ]
  [ "$(rocks list host vm --format=tsv $VM | cut -f7)" = off ]
  local pid i
  pid=$(cat "$W/console.bg")
  for i in $(seq 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  ! kill -0 "$pid" 2>/dev/null
  fails_unchanged "rocks: stop host vm: vm-container-0-0: domain $VM: Requested operation is not valid: domain is not running" \
    stop host vm $VM
  fails_unchanged "rocks: console: vm-container-0-0: domain $VM is not running" console $VM
}

@test "shoot-node power-cycles a VM through libvirt" {
  run --separate-stderr shoot-node --batch --no-wait $VM
  [ "$status" -eq 0 ]
  [ "$stderr" = "" ]
  [ "$(sed 's/restarted [0-9.]*$/restarted M.M/' <<<"$output")" = "$VM: restarting
$VM: restarted

HOST          RESULT    MINUTES
$VM restarted M.M" ]
  [ "$(rocks list host vm --format=tsv $VM | cut -f7)" = running ]
}

@test "remove host vm undefines the domain and deletes its disk, then the host" {
  run --separate-stderr rocks remove host vm $VM
  [ "$status" -eq 0 ]
  [ "$output$stderr" = "" ]
  [ ! -e "$W/disks/$VM.qcow2" ]
  [ "$(rocks list host vm --format=tsv)" = "" ]
  fails_with "rocks: $VM: unknown host" rocks list host $VM
  [ "$(sqlite3 "$W/db/cluster.db" 'SELECT COUNT(*) FROM vm_slices')" = 0 ]
  # The domain is gone from the container too: the name is free again.
  run --separate-stderr rocks add host vm vm-container-0-0 appliance=compute mem=64 disk=1G
  [ "$output" = "Added VM $VM on vm-container-0-0 (slice 1)" ]
}
