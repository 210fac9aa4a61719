#!/usr/bin/env bats
# From power-on to installed, with real machines: QEMU guests (TCG) boot
# from the frontend's own services in a network namespace with a bridge:
# ISC dhcpd with the config `rocks sync config` writes, tftpd-hpa serving
# the TFTP root it fills, Apache with the shipped config serving the
# distribution `rocks-dist dist` built and running kickstart.cgi, and
# insert-ethers following dhcpd's log. One guest has SeaBIOS with iPXE and
# a MAC the database does not know; the other has OVMF (shim, then GRUB)
# and is a known node set to install. The installer is the stand-in that
# t/data/boot/mkinstaller builds (a Debian kernel, a busybox initramfs
# that does what anaconda does towards the frontend); each guest's disk
# prints a marker when the firmware boots it.
#
# Needs root (namespaces, tap devices) and the packages share/install-deps
# installs; the kernel package is downloaded once into the build tree.

bats_require_minimum_version 1.5.0
load helper

BIOS_MAC=52:54:00:aa:00:01
UEFI_MAC=52:54:00:aa:00:02

# Waits up to $2 seconds for the extended regex $1 in file $3.
wait_for() {
  local pattern=$1 limit=$2 file=$3 i
  for i in $(seq "$((limit * 2))"); do
    grep -aqE "$pattern" "$file" 2>/dev/null && return 0
    sleep 0.5
  done
  echo "timed out after ${limit}s waiting for /$pattern/ in $file" >&2
  tail -c 3000 "$file" >&2 || true
  return 1
}

in_ns() { ip netns exec "$NS" "$@"; }

setup_file() {
  export W NS
  W=$(mktemp -d /tmp/rocks-netboot.XXXXXX)
  chmod 755 "$W"
  NS=rnb$$
  export ROCKS_CONF=$W/rocks.conf ROCKS_DB=sqlite:$W/db/cluster.db
  "$ROCKS_SRCDIR/t/data/boot/mkinstaller" "$ROCKS_BUILDDIR/t/installer"

  # The network: a bridge the guests' taps join, the frontend on it.
  ip netns add "$NS"
  in_ns ip link set lo up
  in_ns ip link add br0 type bridge
  in_ns ip link set br0 address 52:54:00:fe:00:01
  in_ns ip addr add 10.1.1.1/8 dev br0
  in_ns ip link set br0 up
  local tap
  for tap in tapb tapu; do
    in_ns ip tuntap add dev "$tap" mode tap
    in_ns ip link set "$tap" master br0 up
  done
  # iPXE waits for an IPv6 router unless one says it is none.
  in_ns sysctl -qw net.ipv6.conf.all.forwarding=1
  printf 'interface br0 {\n AdvSendAdvert on;\n AdvDefaultLifetime 0;\n MinRtrAdvInterval 3;\n MaxRtrAdvInterval 4;\n};\n' >"$W/radvd.conf"
  in_ns radvd -n -C "$W/radvd.conf" -p "$W/radvd.pid" -m logfile -l "$W/radvd.log" &
  echo $! >"$W/radvd.bg"

  # The distribution: one package and the installer in the OS tree.
  mkdir -p "$W/os/Packages" "$W/os/images/pxeboot" "$W/install" "$W/db" "$W/state" \
    "$W/tftpboot" "$W/lock" "$W/rpmbuild"
  cp "$ROCKS_BUILDDIR/t/installer/vmlinuz" "$ROCKS_BUILDDIR/t/installer/initrd.img" \
    "$W/os/images/pxeboot/"
  printf 'Name: netboot-check\nVersion: 1.0\nRelease: 1\nSummary: t\nLicense: GPL\nBuildArch: noarch\n%%description\nt\n%%files\n' \
    >"$W/rpmbuild/netboot-check.spec"
  HOME=$W rpmbuild -bb --define "_topdir $W/rpmbuild" --define "_rpmdir $W/os/Packages" \
    "$W/rpmbuild/netboot-check.spec" >"$W/rpmbuild.log" 2>&1
  printf 'root = %s\nos = %s\nprofile = %s\n' "$W/install/rocks-dist" "$W/os" \
    "$ROCKS_SRCDIR/graphs" >"$W/rocks-dist.conf"

  cat >"$ROCKS_CONF" <<EOF
database = sqlite:$W/db/cluster.db
sync_conf = $W/sync.conf
dist_conf = $W/rocks-dist.conf
profile = $W/install/rocks-dist/build
kickstart_statedir = $W/state
insert_ethers_lock = $W/lock/insert-ethers.lock
dist_lock = $W/lock/rocks-dist.lock
EOF
  cat >"$W/restart-dhcpd" <<EOF
#!/bin/sh
# Restarts the namespace's dhcpd on the new configuration.
if [ -s $W/dhcpd.pid ]; then
  kill \$(cat $W/dhcpd.pid) 2>/dev/null
  while kill -0 \$(cat $W/dhcpd.pid) 2>/dev/null; do sleep 0.05; done
fi
ip netns exec $NS dhcpd -f -d -cf $W/dhcpd.conf -lf $W/dhcpd.leases br0 </dev/null >>$W/dhcpd.log 2>&1 &
echo \$! >$W/dhcpd.pid
EOF
  chmod 755 "$W/restart-dhcpd"
  touch "$W/dhcpd.leases" "$W/dhcpd.log"
  cat >"$W/sync.conf" <<EOF
dhcpd | $W/dhcpd.conf | dhcpd -t -cf %f | $W/restart-dhcpd
pxe   | $W/tftpboot   |                 |
EOF

  rocks init --frontend=frontend --private-mac=52:54:00:fe:00:01
  rocks set attr Dhcp_DynamicRange "10.1.2.1 10.1.2.50"
  rocks set attr Pxe_KernelArgs "console=ttyS0 quiet"
  rocks add host compute-1-0 appliance=compute rack=1 rank=0 mac=$UEFI_MAC \
    ip=10.1.3.2 action=install
  rocks-dist dist >"$W/rocks-dist.log" 2>&1
  rocks sync config
  # kickstart.cgi runs as Apache's user: it writes the database, its slot
  # files and the boot files of the host that reports installed.
  chown -R www-data:www-data "$W/db" "$W/state" "$W/tftpboot"

  in_ns in.tftpd -L -s "$W/tftpboot" -a 10.1.1.1:69 >"$W/tftpd.log" 2>&1 &
  echo $! >"$W/tftpd.bg"
  start_apache "$W" 10.1.1.1 80 in_ns

  # The guests' disks: each prints ROCKS-LOCAL-DISK when booted.
  "$ROCKS_SRCDIR/t/data/boot/mkdisks" "$W"
  cp /usr/share/OVMF/OVMF_VARS_4M.fd "$W/uefi-vars.fd"

  insert-ethers --batch --appliance=compute --rack=0 --interface=br0 --max-new=1 \
    --log="$W/dhcpd.log" >"$W/insert-ethers.out" 2>&1 &
  echo $! >"$W/insert-ethers.bg"
  wait_for 'listening|waiting|Listening|Waiting' 20 "$W/insert-ethers.out" || sleep 2

  in_ns qemu-system-x86_64 -machine pc -m 256 -display none \
    -monitor "unix:$W/bios.monitor,server,nowait" -serial "file:$W/bios.serial" \
    -netdev tap,id=n0,ifname=tapb,script=no,downscript=no \
    -device e1000,netdev=n0,mac=$BIOS_MAC,bootindex=1 \
    -drive "file=$W/bios-disk.img,format=raw,if=none,id=d0" \
    -device ide-hd,drive=d0,bootindex=2 >"$W/bios.qemu" 2>&1 &
  echo $! >"$W/bios.bg"
  in_ns qemu-system-x86_64 -machine q35 -m 256 -display none -monitor none \
    -serial "file:$W/uefi.serial" \
    -drive if=pflash,format=raw,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd \
    -drive "if=pflash,format=raw,file=$W/uefi-vars.fd" \
    -netdev tap,id=n0,ifname=tapu,script=no,downscript=no \
    -device virtio-net-pci,netdev=n0,mac=$UEFI_MAC,romfile=,bootindex=1 \
    -drive "file=$W/uefi-disk.img,format=raw,if=none,id=d0" \
    -device virtio-blk-pci,drive=d0,bootindex=2 >"$W/uefi.qemu" 2>&1 &
  echo $! >"$W/uefi.bg"
}

teardown_file() {
  local f
  for f in bios uefi insert-ethers tftpd radvd; do
    [ -s "$W/$f.bg" ] && kill "$(cat "$W/$f.bg")" 2>/dev/null
  done
  [ -s "$W/dhcpd.pid" ] && kill "$(cat "$W/dhcpd.pid")" 2>/dev/null
  stop_apache "$W"
  sleep 0.5
  ip netns pids "$NS" 2>/dev/null | xargs -r kill -9 2>/dev/null
  ip netns del "$NS" 2>/dev/null
  rm -rf "$W"
}

# The install events of HOST, oldest first: "state detail" lines.
events_of() {
  sqlite3 "$W/db/cluster.db" "SELECT e.state FROM install_events e JOIN hosts h
    ON h.id = e.host WHERE h.name = '$1' ORDER BY e.id"
}

@test "an unknown BIOS guest boots the installer by the default entry and insert-ethers names it" {
  wait_for "rocks-installer: " 240 "$W/bios.serial"
  # Its first answer came from the lent range, by the default entry.
  grep -q "DHCPOFFER on 10.1.2.[0-9]* to $BIOS_MAC via br0" "$W/dhcpd.log"
  grep -aq 'GET /install/rocks-dist/images/pxeboot/vmlinuz' "$W/httpd-access.log"
  # insert-ethers named it from that request and stopped.
  wait "$(cat "$W/insert-ethers.bg")" 2>/dev/null || true
  [ "$(rocks list host --format=tsv compute-0-0 | cut -f1)" = compute-0-0 ]
  [ "$(sqlite3 "$W/db/cluster.db" "SELECT ip FROM interfaces WHERE mac = '$BIOS_MAC'")" = 10.255.255.254 ]
}

@test "the BIOS guest gets its fixed address and compute-0-0's kickstart, and reports installed" {
  wait_for "rocks-installer: state installed: compute-0-0: installed" 300 "$W/bios.serial"
  grep -aq "rocks-installer: eth0 $BIOS_MAC has 10.255.255.254 as compute-0-0.local" "$W/bios.serial"
  grep -aq "rocks-installer: kickstart for compute-0-0.local" "$W/bios.serial"
  grep -aq "rocks-installer: repodata from http://10.1.1.1/install/rocks-dist" "$W/bios.serial"
  grep -aq '^10.255.255.254 .*"GET /install/sbin/kickstart.cgi HTTP/1.1" 200' "$W/httpd-access.log"
  [ "$(events_of compute-0-0 | tr '\n' ' ')" = "profile-sent installing installed " ]
  [ "$(rocks list host --format=tsv compute-0-0 | cut -f6)" = os ]
}

@test "after installed, the BIOS guest's next network boot goes to its disk" {
  wait_for "ROCKS-LOCAL-DISK" 240 "$W/bios.serial"
  grep -qx 'exit' "$W/tftpboot/ipxe/01-52-54-00-aa-00-01.ipxe"
}

@test "the known UEFI guest boots shim, GRUB and its own entry, and reports installed" {
  wait_for "rocks-installer: state installed: compute-1-0: installed" 420 "$W/uefi.serial"
  grep -aq "rocks-installer: eth0 $UEFI_MAC has 10.1.3.2 as compute-1-0.local" "$W/uefi.serial"
  grep -aq "rocks-installer: kickstart for compute-1-0.local" "$W/uefi.serial"
  [ "$(events_of compute-1-0 | tr '\n' ' ')" = "profile-sent installing installed " ]
  [ "$(rocks list host --format=tsv compute-1-0 | cut -f6)" = os ]
}

@test "after installed, the UEFI guest's next network boot goes to its disk" {
  wait_for "ROCKS-LOCAL-DISK" 300 "$W/uefi.serial"
  grep -qx '	exit' "$W/tftpboot/grub/grub.cfg-01-52-54-00-aa-00-02"
}

# Presses the BIOS guest's reset button.
reset_bios_guest() {
  python3 -c 'import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.recv(4096)
s.sendall(b"system_reset\n")
time.sleep(0.5)' "$W/bios.monitor"
}

@test "shoot-node reinstalls the BIOS guest, restarted by hand, and follows it to the end" {
  wait_for "ROCKS-LOCAL-DISK" 240 "$W/bios.serial"
  rocks set attr --host=compute-0-0 power none
  shoot-node --batch --timeout=5m compute-0-0 >"$W/shoot.out" 2>&1 &
  local shoot=$! i
  for i in $(seq 100); do
    grep -q 'inst.ks=' "$W/tftpboot/ipxe/01-52-54-00-aa-00-01.ipxe" && break
    sleep 0.1
  done
  grep -q 'inst.ks=' "$W/tftpboot/ipxe/01-52-54-00-aa-00-01.ipxe"
  : >"$W/bios.serial.before"
  cp "$W/bios.serial" "$W/bios.serial.before"
  reset_bios_guest
  run wait "$shoot"
  cat "$W/shoot.out" >&2
  [ "$status" -eq 0 ]
  [ "$(tail -n 1 "$W/shoot.out")" = "compute-0-0: installed" ]
  [ "$(events_of compute-0-0 | tr '\n' ' ')" = "profile-sent installing installed rebooting profile-sent installing installed " ]
  [ "$(rocks list host --format=tsv compute-0-0 | cut -f6)" = os ]
  grep -qx 'exit' "$W/tftpboot/ipxe/01-52-54-00-aa-00-01.ipxe"
}
