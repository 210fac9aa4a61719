# A frontend that QEMU guests network-boot from, for t/netboot.bats and
# t/bench/boot (sourced; bash). Everything lives in the directory $W and
# the network namespace $NS, both the caller's: a bridge br0 with the
# frontend at 10.1.1.1/8, ISC dhcpd with the configuration `rocks sync
# config` writes (restarted by sync.conf's reload), tftpd-hpa serving the
# TFTP root the same sync fills, Apache with the shipped config serving
# the distribution `rocks-dist dist` built and running kickstart.cgi, and
# radvd saying there is no IPv6 router (iPXE waits for one otherwise).
# The installer is t/data/boot/mkinstaller's stand-in, in the OS tree's
# images/pxeboot/.
#
#   boot_frontend_prepare   namespace, distribution, rocks init, configs
#   (the caller adds hosts and attributes)
#   boot_frontend_start     sync, then the servers
#   boot_guest NAME bios|uefi MAC [PORT]   starts a guest on a tap of its
#                           own; its serial console is $W/NAME.serial, its
#                           monitor the socket $W/NAME.monitor. With PORT,
#                           the guest has a BMC: OpenIPMI's ipmi_sim, in
#                           the namespace, answers IPMI on 127.0.0.1:PORT
#                           and runs the guest itself, which it reaches
#                           through QEMU's ipmi-bmc-extern device, so a
#                           power cycle really stops and starts the guest
#   boot_frontend_down      stops everything and removes $W and $NS

boot_in_ns() { ip netns exec "$NS" "$@"; }

boot_frontend_prepare() {
  export ROCKS_CONF=$W/rocks.conf ROCKS_DB=sqlite:$W/db/cluster.db
  "$ROCKS_SRCDIR/t/data/boot/mkinstaller" "$ROCKS_BUILDDIR/t/installer" || return 1
  ip netns add "$NS" || return 1
  boot_in_ns ip link set lo up
  boot_in_ns ip link add br0 type bridge
  boot_in_ns ip link set br0 address 52:54:00:fe:00:01
  boot_in_ns ip addr add 10.1.1.1/8 dev br0
  boot_in_ns ip link set br0 up
  boot_in_ns sysctl -qw net.ipv6.conf.all.forwarding=1
  printf 'interface br0 {\n AdvSendAdvert on;\n AdvDefaultLifetime 0;\n MinRtrAdvInterval 3;\n MaxRtrAdvInterval 4;\n};\n' >"$W/radvd.conf"

  mkdir -p "$W/os/Packages" "$W/os/images/pxeboot" "$W/install" "$W/db" "$W/state" \
    "$W/tftpboot" "$W/lock" "$W/rpmbuild"
  cp "$ROCKS_BUILDDIR/t/installer/vmlinuz" "$ROCKS_BUILDDIR/t/installer/initrd.img" \
    "$W/os/images/pxeboot/"
  # The installer's stage2, which the stand-in fetches as dracut would.
  printf 'rocks stand-in stage2\n' >"$W/os/images/install.img"
  printf 'Name: netboot-check\nVersion: 1.0\nRelease: 1\nSummary: t\nLicense: GPL\nBuildArch: noarch\n%%description\nt\n%%files\n' \
    >"$W/rpmbuild/netboot-check.spec"
  HOME=$W rpmbuild -bb --define "_topdir $W/rpmbuild" --define "_rpmdir $W/os/Packages" \
    "$W/rpmbuild/netboot-check.spec" >"$W/rpmbuild.log" 2>&1 || return 1
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
# dhcpd is restarted by the sync after a new node: give a guest's DHCP
# exchange, slow under TCG on a loaded host, time to end first.
insert_ethers_quiet = 5
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
  rocks init --frontend=frontend --private-mac=52:54:00:fe:00:01 || return 1
  # no_timer_check: a loaded host makes TCG guests fail the kernel's timer
  # check, which then panics.
  rocks set attr Pxe_KernelArgs "console=ttyS0 quiet no_timer_check"
}

boot_frontend_start() {
  rocks-dist dist >"$W/rocks-dist.log" 2>&1 || { cat "$W/rocks-dist.log" >&2; return 1; }
  rocks sync config || return 1
  # kickstart.cgi runs as Apache's user: it writes the database, its slot
  # files and the boot files of the host that reports installed.
  chown -R www-data:www-data "$W/db" "$W/state" "$W/tftpboot"
  boot_in_ns radvd -n -C "$W/radvd.conf" -p "$W/radvd.pid" -m logfile -l "$W/radvd.log" \
    3>&- &
  echo $! >"$W/radvd.bg"
  boot_in_ns in.tftpd -L -s "$W/tftpboot" -a 10.1.1.1:69 >"$W/tftpd.log" 2>&1 3>&- &
  echo $! >"$W/tftpd.bg"
  start_apache "$W" 10.1.1.1 80 boot_in_ns || return 1
  "$ROCKS_SRCDIR/t/data/boot/mkdisks" "$W"
}

boot_guest() {
  local name=$1 firmware=$2 mac=$3 bmc_port=${4:-} tap=tap${#BOOT_GUESTS[@]}
  BOOT_GUESTS+=("$name")
  boot_in_ns ip tuntap add dev "$tap" mode tap
  boot_in_ns ip link set "$tap" master br0 up
  # The console is appended to, so that it keeps every boot of the guest.
  local qemu=(qemu-system-x86_64 -m 512 -display none
    -monitor "unix:$W/$name.monitor,server,nowait"
    -chardev "file,id=console,path=$W/$name.serial,append=on" -serial chardev:console
    -netdev "tap,id=n0,ifname=$tap,script=no,downscript=no")
  cp "$W/disk-$firmware.img" "$W/$name-disk.img"
  if [ "$firmware" = bios ]; then
    qemu+=(-machine pc -device "e1000,netdev=n0,mac=$mac,bootindex=1"
      -drive "file=$W/$name-disk.img,format=raw,if=none,id=d0"
      -device ide-hd,drive=d0,bootindex=2)
  else
    cp /usr/share/OVMF/OVMF_VARS_4M.fd "$W/$name-vars.fd"
    qemu+=(-machine q35
      -drive if=pflash,format=raw,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd
      -drive "if=pflash,format=raw,file=$W/$name-vars.fd"
      -device "virtio-net-pci,netdev=n0,mac=$mac,romfile=,bootindex=1"
      -drive "file=$W/$name-disk.img,format=raw,if=none,id=d0"
      -device virtio-blk-pci,drive=d0,bootindex=2)
  fi
  if [ -z "$bmc_port" ]; then
    boot_in_ns "${qemu[@]}" >"$W/$name.qemu" 2>&1 3>&- &
    echo $! >"$W/$name.bg"
    return
  fi
  # The BMC's side of ipmi-bmc-extern: ipmi_sim's VM serial interface on
  # the port above the LAN one; QEMU connects to it and reconnects.
  local d=$W/$name-bmc
  mkdir -p "$d/state"
  qemu+=(-chardev "socket,id=ipmi0,host=127.0.0.1,port=$((bmc_port + 1)),reconnect=1"
    -device ipmi-bmc-extern,id=bmc0,chardev=ipmi0 -device isa-ipmi-kcs,bmc=bmc0)
  ipmi_sim_files "$d" "$name" "$bmc_port" admin bmcpass \
    "serial 15 127.0.0.1 $((bmc_port + 1)) codec VM" "startcmd \"${qemu[*]}\"" \
    "startnow true" "poweroff_wait 2" "kill_wait 2"
  boot_in_ns ipmi_sim -n -c "$d/lan.conf" -f "$d/bmc.emu" -s "$d/state" \
    </dev/null >"$W/$name.qemu" 2>&1 3>&- &
  echo $! >"$W/$name.bg"
}

boot_frontend_down() {
  local f
  for f in "$W"/*.bg; do
    [ -s "$f" ] && kill "$(cat "$f")" 2>/dev/null
  done
  [ -s "$W/dhcpd.pid" ] && kill "$(cat "$W/dhcpd.pid")" 2>/dev/null
  stop_apache "$W"
  sleep 0.5
  ip netns pids "$NS" 2>/dev/null | xargs -r kill -9 2>/dev/null
  ip netns del "$NS" 2>/dev/null
  rm -rf "$W"
}

# Waits up to $2 seconds for the extended regex $1 in file $3.
boot_wait_for() {
  local pattern=$1 limit=$2 file=$3 i
  for i in $(seq "$((limit * 2))"); do
    grep -aqE "$pattern" "$file" 2>/dev/null && return 0
    sleep 0.5
  done
  echo "timed out after ${limit}s waiting for /$pattern/ in $file" >&2
  tail -c 3000 "$file" >&2 || true
  return 1
}
