#!/usr/bin/env bats
# The RPM spec: `rpmbuild -ta` on the dist tarball (BuildRequires are EL 9
# names, so --nodeps here; EL 9's systemd macros from t/data/package/;
# --without mysql, which builds the SQLite-only suite) makes the rocks and
# rocks-cgi packages; their files, flags and scriptlets; then the /usr,
# /etc, /var layout of their payload runs a cluster at its built-in paths.
# Slow: it builds the whole suite once more.

bats_require_minimum_version 1.5.0
load helper
load installed

setup_file() {
  command -v rpmbuild >/dev/null || skip "rpmbuild is not installed"
  local top=$BATS_FILE_TMPDIR/rpm
  mkdir -p "$top"
  env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$ROCKS_BUILDDIR" dist-gzip >/dev/null
  cp "$ROCKS_BUILDDIR"/rocks-*.tar.gz "$BATS_FILE_TMPDIR/"
  # -O0: the build is checked, not benchmarked.
  rpmbuild -ta --nodeps --without mysql --load "$ROCKS_SRCDIR/t/data/package/macros.systemd" \
    --define "_topdir $top" --define 'optflags -O0' \
    "$BATS_FILE_TMPDIR"/rocks-*.tar.gz >"$BATS_FILE_TMPDIR/rpmbuild.log" 2>&1 ||
    { tail -30 "$BATS_FILE_TMPDIR/rpmbuild.log" >&3; return 1; }
  export RPMS=$top/RPMS/x86_64 VERSION
  VERSION=$(sed -n 's/^PACKAGE_VERSION = //p' "$ROCKS_BUILDDIR/Makefile")
}

setup() { T=$BATS_TEST_TMPDIR; }

# FLAGS MODE NAME for every file of a package, .build-id links left out.
files_of() {
  rpm -qp --qf '[%{FILEFLAGS:fflags} %{FILEMODES:perms} %{FILENAMES}\n]' "$1" |
    grep -v '/usr/lib/.build-id'
}

@test "rpmbuild -ta makes the tools, the CGI and the source packages" {
  [ -f "$RPMS/rocks-$VERSION-1.x86_64.rpm" ]
  [ -f "$RPMS/rocks-cgi-$VERSION-1.x86_64.rpm" ]
  [ -f "$BATS_FILE_TMPDIR/rpm/SRPMS/rocks-$VERSION-1.src.rpm" ]
  run rpm -qp --qf '%{LICENSE}\n' "$RPMS/rocks-$VERSION-1.x86_64.rpm"
  [ "$output" = "GPL-2.0-or-later" ]
}

@test "the rocks package: tools, noreplace configuration, units, state and lock directories" {
  files_of "$RPMS/rocks-$VERSION-1.x86_64.rpm" >"$T/files"
  local tool
  for tool in $ROCKS_TOOLS; do
    [ "$tool" = kickstart.cgi ] && continue
    grep -qx " -rwxr-xr-x /usr/sbin/$tool" "$T/files"
    grep -q " /usr/share/man/man8/$tool.8" "$T/files"
    grep -qx " -rw-r--r-- /usr/share/bash-completion/completions/$tool" "$T/files"
  done
  grep -qx ' -rw-r--r-- /usr/share/rocks/tftp/tftpd-hpa' "$T/files"
  grep -qx ' -rw-r--r-- /usr/share/rocks/rolls/hpc-9.0-1.x86_64.disk1.iso' "$T/files"
  run grep -E ' /(etc|run|var)/| /usr/lib/(systemd|tmpfiles)' "$T/files"
  [ "$output" = " drwxr-xr-x /etc/rocks
cn -rw-r--r-- /etc/rocks/rocks-dist.conf
cn -rw-r--r-- /etc/rocks/rocks.conf
cn -rw-r--r-- /etc/rocks/sync.conf
 drwxr-xr-x /run/lock/rocks
 -rw-r--r-- /usr/lib/systemd/system/insert-ethers@.service
 -rw-r--r-- /usr/lib/systemd/system/rocks-dist.service
 -rw-r--r-- /usr/lib/systemd/system/rocks-dist.timer
 -rw-r--r-- /usr/lib/tmpfiles.d/rocks.conf
 drwxr-xr-x /var/lib/rocks" ]
  grep -qx 'l -rw-r--r-- /usr/share/licenses/rocks-'"$VERSION"'/LICENSE' "$T/files"
  [ "$(grep -c ' -rw-r--r-- /usr/share/rocks/profile/' "$T/files")" = \
    "$(ls "$ROCKS_SRCDIR"/graphs/default/*.xml "$ROCKS_SRCDIR"/graphs/nodes/*.xml \
      "$ROCKS_SRCDIR"/graphs/include/* | wc -l)" ]
  ! grep -q kickstart.cgi "$T/files"
}

@test "the rocks-cgi package: kickstart.cgi, its web server setups and slot directory" {
  run files_of "$RPMS/rocks-cgi-$VERSION-1.x86_64.rpm"
  [ "$output" = "cn -rw-r--r-- /etc/httpd/conf.d/rocks.conf
 -rwxr-xr-x /usr/sbin/kickstart.cgi
 -rw-r--r-- /usr/share/bash-completion/completions/kickstart.cgi
d -rw-r--r-- /usr/share/man/man8/kickstart.cgi.8
 drwxr-xr-x /usr/share/rocks/httpd
 -rw-r--r-- /usr/share/rocks/httpd/rocks.conf
 drwxr-xr-x /usr/share/rocks/lighttpd
 -rw-r--r-- /usr/share/rocks/lighttpd/kickstart.conf
 drwxrwx--- /var/lib/rocks/kickstart" ]
  run rpm -qp --requires "$RPMS/rocks-cgi-$VERSION-1.x86_64.rpm"
  echo "$output" | grep -qx "rocks(x86-64) = $VERSION-1"
  echo "$output" | grep -qx httpd
  echo "$output" | grep -qx httpd-filesystem
}

@test "scriptlets: systemd presets and tmpfiles; SELinux contexts and group apache for the CGI" {
  run rpm -qp --scripts "$RPMS/rocks-$VERSION-1.x86_64.rpm"
  echo "$output" | grep -qF 'systemctl --no-reload preset insert-ethers@.service rocks-dist.service rocks-dist.timer'
  echo "$output" | grep -qF 'systemctl --no-reload disable --now insert-ethers@.service rocks-dist.service rocks-dist.timer'
  echo "$output" | grep -qF 'systemd-tmpfiles --create /usr/lib/tmpfiles.d/rocks.conf'
  run rpm -qp --scripts --triggers "$RPMS/rocks-cgi-$VERSION-1.x86_64.rpm"
  echo "$output" | grep -qF "'httpd_sys_script_exec_t /usr/sbin/kickstart\\.cgi'"
  echo "$output" | grep -qF "'httpd_sys_rw_content_t /var/lib/rocks(/.*)?'"
  echo "$output" | grep -qF "semanage fcontext -d '/var/lib/rocks(/.*)?'"
  echo "$output" | grep -qF 'chgrp apache /var/lib/rocks'
  echo "$output" | grep -qF 'chmod 2770 /var/lib/rocks'
}

@test "the packages' /usr, /etc, /var tree runs a cluster from its built-in paths" {
  need_mount_ns
  mkdir "$T/root"
  local p
  for p in "$RPMS"/rocks-*.rpm; do
    (cd "$T/root" && rpm2cpio "$p" | cpio -idm --quiet)
  done
  grep -qx '# database = sqlite:/var/lib/rocks/cluster.db' "$T/root/etc/rocks/rocks.conf"
  grep -qx '.It Pa /run/lock/rocks/rocks-dist.lock' "$T/root/usr/share/man/man8/rocks-dist.8"
  grep -qx '  Define ROCKS_CONF /etc/rocks/rocks.conf' "$T/root/etc/httpd/conf.d/rocks.conf"
  run --separate-stderr installed_ns "$T/root" usr "$(installed_cluster_script /etc)"
  [ "$status" -eq 0 ]
  [ "$output" = "$(installed_cluster_expected /etc)" ]
  [ "$stderr" = "" ]
  [ "$(stat -c %a "$T/overlay/var/up/lib/rocks/cluster.db")" = 660 ]
  grep -qF compute-0-3 "$T/overlay/etc/up/hosts"
}

@test "the SQLite-only build refuses a mysql: database by name" {
  need_mount_ns
  mkdir "$T/root"
  (cd "$T/root" && rpm2cpio "$RPMS/rocks-$VERSION-1.x86_64.rpm" | cpio -idm --quiet)
  fails_with "rocks: mysql://db.example.org/cluster: this build has no MySQL support (configured --without-mysql)" installed_ns "$T/root" usr 'rocks --db=mysql://db.example.org/cluster list host'
}
