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
# prints a marker when the firmware boots it. The BIOS guest has a BMC:
# ipmi_sim runs it and answers IPMI, so shoot-node power-cycles it for real.
#
# Needs root (namespaces, tap devices) and the packages share/install-deps
# installs; the kernel package is downloaded once into the build tree.

bats_require_minimum_version 1.5.0
load helper

BIOS_MAC=52:54:00:aa:00:01
UEFI_MAC=52:54:00:aa:00:02
# The BIOS guest's BMC: IPMI on 127.0.0.1 in the namespace.
BMC_PORT=9623

load data/boot/frontend

wait_for() { boot_wait_for "$@"; }

setup_file() {
  export W NS
  W=$(mktemp -d /tmp/rocks-netboot.XXXXXX)
  chmod 755 "$W"
  NS=rnb$$
  BOOT_GUESTS=()
  boot_frontend_prepare
  rocks set attr Dhcp_DynamicRange "10.1.2.1 10.1.2.50"
  rocks add host compute-1-0 appliance=compute rack=1 rank=0 mac=$UEFI_MAC \
    ip=10.1.3.2 action=install
  boot_frontend_start
  insert-ethers --batch --appliance=compute --rack=0 --interface=br0 \
    --log="$W/dhcpd.log" >"$W/insert-ethers.out" 2>&1 3>&- &
  echo $! >"$W/insert-ethers.bg"
  # It reads the log from its end; the guests' first requests come later.
  sleep 1
  boot_guest bios bios $BIOS_MAC $BMC_PORT
  boot_guest uefi uefi $UEFI_MAC
}

teardown_file() { boot_frontend_down; }

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
  # insert-ethers named it from that request.
  wait_for "^new compute-0-0 $BIOS_MAC 10.255.255.254\$" 10 "$W/insert-ethers.out"
  [ "$(rocks list host --format=tsv compute-0-0 | cut -f1)" = compute-0-0 ]
  [ "$(sqlite3 "$W/db/cluster.db" "SELECT ip FROM interfaces WHERE mac = '$BIOS_MAC'")" = 10.255.255.254 ]
}

@test "the BIOS guest gets its fixed address and compute-0-0's kickstart, and reports installed" {
  wait_for "rocks-installer: state installed: compute-0-0: installed" 300 "$W/bios.serial"
  grep -aq "rocks-installer: eth0 $BIOS_MAC has 10.255.255.254 as compute-0-0.local" "$W/bios.serial"
  grep -aq "rocks-installer: kickstart for compute-0-0.local" "$W/bios.serial"
  grep -aqF "rocks-installer: stage2 from http://10.1.1.1/install/rocks-dist (inst.stage2)" "$W/bios.serial"
  grep -aq '^10.255.255.254 .*"GET /install/rocks-dist/images/install.img HTTP/1.1" 200' "$W/httpd-access.log"
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
  grep -qx '		chainloader /EFI/BOOT/BOOTX64.EFI' "$W/tftpboot/grub/grub.cfg-01-52-54-00-aa-00-02"
}

@test "shoot-node power-cycles the BIOS guest over IPMI and follows its reinstall to the end" {
  wait_for "ROCKS-LOCAL-DISK" 240 "$W/bios.serial"
  rocks set attr --host=compute-0-0 power ipmi
  rocks set attr --host=compute-0-0 ipmi_address 127.0.0.1:$BMC_PORT
  rocks set attr --host=compute-0-0 ipmi_user admin
  rocks set attr --host=compute-0-0 ipmi_password bmcpass
  # ipmi_sim wants the privilege in the RMCP+ open session request.
  rocks set attr --host=compute-0-0 ipmi_workarounds opensesspriv
  local qemu_before
  qemu_before=$(pgrep -f "qemu-system-x86_64 .*mac=$BIOS_MAC")
  run --separate-stderr boot_in_ns shoot-node --batch --timeout=5m compute-0-0
  [ "$stderr" = "" ]
  [ "$status" -eq 0 ]
  [ "$(sed 's/installed [0-9.]*$/installed M.M/' <<<"$output")" = "compute-0-0: restarting
compute-0-0: rebooting
compute-0-0: profile-sent
compute-0-0: installing
compute-0-0: installed

HOST        RESULT    MINUTES
compute-0-0 installed M.M" ]
  # The power cycle stopped the guest and the BMC started it again.
  ! kill -0 "$qemu_before" 2>/dev/null
  pgrep -f "qemu-system-x86_64 .*mac=$BIOS_MAC" >/dev/null
  [ "$(events_of compute-0-0 | tr '\n' ' ')" = "profile-sent installing installed rebooting profile-sent installing installed " ]
  [ "$(rocks list host --format=tsv compute-0-0 | cut -f6)" = os ]
  grep -qx 'exit' "$W/tftpboot/ipxe/01-52-54-00-aa-00-01.ipxe"
}
