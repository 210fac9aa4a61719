#!/usr/bin/env bats
# make install into a DESTDIR with the default prefix, then a small
# cluster's life (rocks init, insert-ethers, kpp | kgen, rocks sync config)
# run from the installed tree at its built-in paths, with no directory made
# by hand. The --prefix=/usr --sysconfdir=/etc --localstatedir=/var layout
# is installed and run by t/package.bats, from the RPMs of the spec.

bats_require_minimum_version 1.5.0
load helper
load installed

setup() { T=$BATS_TEST_TMPDIR; }

# Installs this build (which must have the default prefix) into $T/root.
install_default() {
  grep -qx 'prefix = /usr/local' "$ROCKS_BUILDDIR/Makefile" ||
    skip "this build's prefix is not the default /usr/local"
  env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
    make -s -C "$ROCKS_BUILDDIR" install DESTDIR="$T/root" >/dev/null
}

@test "make install with the default prefix: directories and paths that follow it" {
  install_default
  local p=$T/root/usr/local
  [ -d "$p/var/lib/rocks/kickstart" ]
  [ -d "$p/var/lock/rocks" ]
  [ -x "$p/sbin/rocks" ]
  grep -qx '# database = sqlite:/usr/local/var/lib/rocks/cluster.db' "$p/etc/rocks/rocks.conf"
  grep -qx '# dist_lock = /usr/local/var/lock/rocks/rocks-dist.lock' "$p/etc/rocks/rocks.conf"
  grep -qx '# profile = /usr/local/share/rocks/profile' "$p/etc/rocks/rocks.conf"
  grep -qx '#profile = /usr/local/share/rocks/profile' "$p/etc/rocks/rocks-dist.conf"
  grep -qx '.It Pa /usr/local/etc/rocks/rocks.conf' "$p/share/man/man8/rocks.8"
  grep -qx 'ExecStart=/usr/local/sbin/rocks-dist dist' "$p/lib/systemd/system/rocks-dist.service"
  grep -qx 'ExecStartPost=/usr/local/sbin/avalanche-peer --bundle=/export/rocks/install/sbin/avalanche-peer.tar.xz' "$p/lib/systemd/system/rocks-dist.service"
  grep -qx 'd /usr/local/var/lock/rocks 0755 root root -' "$p/lib/tmpfiles.d/rocks.conf"
  [ -f "$p/share/rocks/profile/graphs/default/base.xml" ]
  grep -qx '  Define ROCKS_SBINDIR /usr/local/sbin' "$p/share/rocks/httpd/rocks.conf"
  grep -qx '  Define ROCKS_CONF /usr/local/etc/rocks/rocks.conf' "$p/share/rocks/httpd/rocks.conf"
}

@test "the default-prefix install runs a cluster from its built-in paths" {
  need_mount_ns
  install_default
  run --separate-stderr installed_ns "$T/root" local "$(installed_cluster_script /usr/local/etc)"
  [ "$status" -eq 0 ]
  [ "$output" = "$(installed_cluster_expected /usr/local/etc)" ]
  [ "$stderr" = "" ]
  # What it wrote is in the DESTDIR or the test's overlays.
  [ "$(stat -c %a "$T/root/usr/local/var/lib/rocks/cluster.db")" = 660 ]
  grep -qF compute-0-3 "$T/overlay/etc/up/hosts"
}

@test "the default-prefix install without its state directory: rocks init names it" {
  need_mount_ns
  install_default
  rm -r "$T/root/usr/local/var/lib/rocks"
  fails_with "rocks: /usr/local/var/lib/rocks/cluster.db: cannot create the database: /usr/local/var/lib/rocks: No such file or directory" installed_ns "$T/root" local 'rocks init'
}
