#!/usr/bin/env bats
# kgen: kpp's XML profile to a RHEL/Rocky 9 kickstart. Needs no database.

bats_require_minimum_version 1.5.0
load helper

load data/graph/injection

setup() {
  rocks_setup
  PROFILE=$(shipped_profile)
  EXPECTED=$ROCKS_SRCDIR/t/expected/kgen
  LINT=$ROCKS_SRCDIR/t/data/graph/ks-lint
  # A SHA-512 crypt of "rocks" (openssl passwd -6 -salt rocksdemo rocks).
  ROOTPW='$6$rocksdemo$jwJ.bMvfP5NC6wEFnh9L3Sx8h.zlelu9fqWjD.aXKc6vN7C3.pOen2IeG/IZfLtE4b2gWPU/7L19neran0n4A0'
}
teardown() { rocks_teardown; }

# The profile of a shipped appliance, made without a database.
profile() {
  kpp --profile="$PROFILE" --appliance="$1" --attr="Kickstart_RootPassword=$ROOTPW" \
    --attr=Kickstart_DistURL=http://192.168.1.2/install/rocks-dist >"$T/$1.xml"
}

# The kickstart of an appliance for a release against its golden file
# (ROCKS_UPDATE_GOLDEN=1 rewrites it) and the lint of that release.
golden_ks() {
  local app=$1 release=$2 golden=$EXPECTED/$3
  shift 3
  kpp --profile="$PROFILE" --appliance="$app" --release="$release" "$@" \
    --attr="Kickstart_RootPassword=$ROOTPW" \
    --attr=Kickstart_DistURL=http://192.168.1.2/install/rocks-dist >"$T/$app-$release.xml"
  run --separate-stderr kgen "$T/$app-$release.xml"
  [ "$status" -eq 0 ]
  [ "$stderr" = "" ]
  golden_file "$golden"
  run "$LINT" -v release="$release" "$golden"
  [ "$status" -eq 0 ]
  [ "$output" = "" ]
}

@test "compute kickstarts for EL 9 and EL 8 match their golden files and what anaconda accepts" {
  golden_ks compute 9 compute.ks
  golden_ks compute 8 compute-el8.ks
}

@test "frontend kickstarts for EL 9 and EL 8 match their golden files and what anaconda accepts" {
  golden_ks frontend 9 frontend.ks
  golden_ks frontend 8 frontend-el8.ks
}

@test "login kickstarts for EL 9 and EL 8 match their golden files and what anaconda accepts" {
  golden_ks login 9 login.ks
  golden_ks login 8 login-el8.ks
}

@test "the vm-container kickstart for EL 9 matches its golden file and what anaconda accepts" {
  golden_ks vm-container 9 vm-container.ks
}

@test "nas kickstarts for EL 9 and EL 8 match their golden files and what anaconda accepts" {
  golden_ks nas 9 nas.ks
  golden_ks nas 8 nas-el8.ks
}

# What the database gives once the frontend has published its accounts and
# made its munge key (both base64; these are test values).
USERS_KEY=--attr=Users_Key=ZGVtby11c2Vycy1rZXktZGVtby11c2Vycy1rZXktMzI=
MUNGE_KEY=--attr=Slurm_MungeKey=ZGVtby1tdW5nZS1rZXktZGVtby1tdW5nZS1rZXktZGVtby1tdW5nZS1rZXk=

@test "a compute kickstart with Slurm and the users key matches its golden file and what anaconda accepts" {
  golden_ks compute 9 compute-slurm.ks --attr=Slurm_Enabled=yes "$USERS_KEY" "$MUNGE_KEY"
}

@test "a frontend kickstart with Slurm and accounting matches its golden file and what anaconda accepts" {
  golden_ks frontend 9 frontend-slurm.ks --attr=Slurm_Enabled=yes --attr=Slurm_Accounting=yes
}

@test "a login kickstart with Slurm gets munge and the client commands, not slurmd" {
  kpp --profile="$PROFILE" --appliance=login --attr=Slurm_Enabled=yes "$MUNGE_KEY" \
    --attr="Kickstart_RootPassword=$ROOTPW" >"$T/login.xml"
  run --separate-stderr kgen --section=packages "$T/login.xml"
  [ "$status" -eq 0 ]
  [[ "$output" == *$'\nmunge\n'* ]]
  [[ "$output" == *$'\nslurm\n'* ]]
  [[ "$output" != *slurm-slurmd* ]]
  [[ "$output" != *slurm-slurmctld* ]]
}

@test "the kickstart lint catches what anaconda would refuse" {
  sed -e 's/^rootpw --iscrypted .*/rootpw --plaintext secret/' \
    -e 's/^timezone UTC --utc/timezone UTC --bogus/' \
    -e '/^%end/{x;s/^/x/;/^x$/{x;d};x}' "$EXPECTED/compute.ks" >"$T/bad.ks"
  echo 'install' >>"$T/bad.ks"
  run "$LINT" "$T/bad.ks"
  [ "$status" -eq 1 ]
  tz=$(grep -n '^timezone' "$T/bad.ks" | cut -d: -f1)
  pw=$(grep -n '^rootpw' "$T/bad.ks" | cut -d: -f1)
  pre=$(grep -n '^%pre' "$T/bad.ks" | head -n 1 | cut -d: -f1)
  last=$(wc -l <"$T/bad.ks")
  [ "$output" = "$T/bad.ks:$tz: timezone: unknown option --bogus
$T/bad.ks:$pw: rootpw: unknown option --plaintext
$T/bad.ks:$pw: rootpw must be --iscrypted with a SHA-512 hash, or --lock
$T/bad.ks:$pre: %pre inside %packages (missing %end)
$T/bad.ks:$last: unknown command install" ]
}

@test "hostile values through kpp --attr stay data: no section, command or shell word opens" {
  mapfile -d "" -t attrs < <(hostile_attrs)
  kpp --profile="$PROFILE" --appliance=compute "${attrs[@]}" >"$T/hostile.xml"
  run --separate-stderr kgen "$T/hostile.xml"
  [ "$status" -eq 0 ]
  [ "$stderr" = "" ]
  printf '%s\n' "$output" >"$T/hostile.ks"
  check_kickstart "$T/hostile.ks"
}

@test "node and file names are data in kgen's log lines and comments" {
  cat >"$T/names.xml" <<'XML'
<profile graph="default" root="x" appliance="x&#10;%post" arch="x86_64" os="linux" release="9">
<node name="n&quot;$(touch /PWNED)&#8232;%post" file="f'`touch /PWNED`" roll=""/>
<main node="n" file="f" name="text"/>
<post node="n&quot;$(touch /PWNED)" file="f'`touch /PWNED`">true</post>
</profile>
XML
  run --separate-stderr kgen "$T/names.xml"
  [ "$status" -eq 0 ]
  [ "$stderr" = "" ]
  printf '%s\n' "$output" >"$T/names.ks"
  mkdir "$T/split"
  [ "$("$GRAPHDATA/ks-split" "$T/names.ks" "$T/split")" = "%packages
%end
%post --interpreter=/bin/bash
%end" ]
  bash -n "$T/split/01-post.sh"
  "$GRAPHDATA/ks-sandbox" "$T/root" "$T/split/01-post.sh"
  [ ! -e "$T/root/PWNED" ]
  grep -q "rocks: begin post n\"\$(touch /PWNED) (f'\`touch /PWNED\`)\$" "$T/root/var/log/rocks-install.log"
}

@test "a script line the installer would read as a section is an error naming the node file" {
  cat >"$T/pct.xml" <<'XML'
<profile graph="default" root="x" appliance="x" arch="x86_64" os="linux" release="9">
<post node="n" file="nodes/n.xml">echo one
  %end
echo two</post>
</profile>
XML
  fails_with "kgen: $T/pct.xml:2: post script of n (nodes/n.xml): a line begins with % or breaks where only the installer breaks lines; the installer would read it as kickstart" \
    kgen "$T/pct.xml"
  printf '<profile arch="x86_64"><post node="n" file="nodes/n.xml">a\342\200\250%%post</post></profile>\n' >"$T/ls.xml"
  fails_with "kgen: $T/ls.xml:1: post script of n (nodes/n.xml): a line begins with % or breaks where only the installer breaks lines; the installer would read it as kickstart" \
    kgen "$T/ls.xml"
  printf '<profile arch="x86_64"><package node="n" file="f">%%end</package></profile>\n' >"$T/pkg.xml"
  fails_with "kgen: $T/pkg.xml:1: <package>%end</package>: not a package name" kgen "$T/pkg.xml"
}

@test "reads standard input, and - is standard input" {
  profile nas
  run --separate-stderr kgen <"$T/nas.xml"
  [ "$status" -eq 0 ]
  [ "$output" = "$(cat "$EXPECTED/nas.ks")" ]
  run --separate-stderr kgen - <"$T/nas.xml"
  [ "$status" -eq 0 ]
  [ "$output" = "$(cat "$EXPECTED/nas.ks")" ]
}

@test "--section prints only the sections asked for" {
  profile nas
  run --separate-stderr kgen --section=packages "$T/nas.xml"
  [ "$status" -eq 0 ]
  [ "$stderr" = "" ]
  [ "$output" = "%packages
@^minimal-environment
@core
bash-completion
chrony
curl
lvm2
man-db
mdadm
net-snmp
nfs-utils
openssh-clients
openssh-server
rsync
rsyslog
tar
targetcli
vim-enhanced
which
xfsprogs
-plymouth
%end" ]
  run --separate-stderr kgen --section=main,pre "$T/nas.xml"
  [ "$status" -eq 0 ]
  [ "$output" = "$(sed -e '/^%packages/,/^%end/d' -e '/^%post/,$d' "$EXPECTED/nas.ks" | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}' | cat -s)" ]
}

@test "--postonly prints only the %post scripts" {
  profile compute
  run --separate-stderr kgen --postonly "$T/compute.xml"
  [ "$status" -eq 0 ]
  [ "$stderr" = "" ]
  [ "$output" = "$(sed -n '/^%post/,/^%onerror/p' "$EXPECTED/compute.ks" | head -n -2)" ]
  run --separate-stderr kgen -P "$T/compute.xml"
  [ "$output" = "$(sed -n '/^%post/,/^%onerror/p' "$EXPECTED/compute.ks" | head -n -2)" ]
  run --separate-stderr kgen --section=onerror "$T/compute.xml"
  [ "$output" = "$(sed -n '/^%onerror/,$p' "$EXPECTED/compute.ks")" ]
}

@test "--arch leaves out the elements for other architectures" {
  profile frontend
  run --separate-stderr kgen --arch=aarch64 --section=packages "$T/frontend.xml"
  [ "$status" -eq 0 ]
  [ "$output" = "$(sed -n '/^%packages/,/^%end/p' "$EXPECTED/frontend.ks" |
    grep -v -x -e grub2-efi-x64 -e shim-x64 -e syslinux -e syslinux-tftpboot)" ]
}

@test "--output-dir writes NAME.ks per NAME.xml, only when it changed" {
  profile compute
  profile nas
  mkdir "$T/ks"
  run --separate-stderr kgen --verbose --output-dir="$T/ks" "$T/compute.xml" "$T/nas.xml"
  [ "$status" -eq 0 ]
  [ "$output" = "" ]
  [ "$stderr" = "kgen: wrote $T/ks/compute.ks
kgen: wrote $T/ks/nas.ks" ]
  cmp "$T/ks/compute.ks" "$EXPECTED/compute.ks"
  cmp "$T/ks/nas.ks" "$EXPECTED/nas.ks"
  run --separate-stderr kgen -v -o "$T/ks" "$T/compute.xml"
  [ "$status" -eq 0 ]
  [ "$stderr" = "kgen: unchanged $T/ks/compute.ks" ]
  [ "$(ls "$T/ks")" = "compute.ks
nas.ks" ]
}

@test "malformed XML names the file and line, and leaves the old kickstart" {
  profile compute
  mkdir "$T/ks"
  kgen --output-dir="$T/ks" "$T/compute.xml"
  printf '<profile>\n<main name="lang">C</main>\n<post>\n</profile>\n' >"$T/compute.xml"
  fails_with "kgen: $T/compute.xml:4: Opening and ending tag mismatch: post line 3 and profile" \
    kgen --output-dir="$T/ks" "$T/compute.xml"
  cmp "$T/ks/compute.ks" "$EXPECTED/compute.ks"
  [ "$(ls "$T/ks")" = "compute.ks" ]
}

@test "an empty input is an error" {
  fails_with "kgen: <stdin>:1: Document is empty" kgen </dev/null
}

@test "input that is not kpp output is an error" {
  printf '<kickstart>\n</kickstart>\n' >"$T/node.xml"
  fails_with "kgen: $T/node.xml:1: root element is <kickstart>, expected <profile> (kpp output)" \
    kgen "$T/node.xml"
  printf '<profile>\n<package>x</package>\n<bogus/>\n</profile>\n' >"$T/odd.xml"
  fails_with "kgen: $T/odd.xml:3: unknown element <bogus>" kgen "$T/odd.xml"
}

@test "a missing input file is an error" {
  fails_with "kgen: $T/none.xml: No such file or directory" kgen "$T/none.xml"
}

@test "an unknown section is an error" {
  fails_with "kgen: --section=main,bogus: unknown section 'bogus' (expected main, packages, pre, post or onerror)" \
    kgen --section=main,bogus
}

@test "several files need --output-dir" {
  fails_with "kgen: several files need --output-dir" kgen a.xml b.xml
}

@test "--output-dir needs files" {
  fails_with "kgen: --output-dir needs FILE arguments" kgen --output-dir="$T"
}

@test "an unwritable output directory is an error" {
  profile nas
  fails_with "kgen: $T/nodir/nas.ks: No such file or directory" \
    kgen --output-dir="$T/nodir" "$T/nas.xml"
}

@test "frontend kickstart names its NICs by MAC and lets root in with its key" {
  kpp --profile="$PROFILE" --appliance=frontend --attr="Kickstart_RootPassword=$ROOTPW" \
    --attr=Kickstart_DistURL=http://192.168.1.2/install/rocks-dist \
    --attr=Kickstart_PrivateMAC=52:54:00:00:00:01 --attr=Kickstart_PublicMAC=52:54:00:00:01:01 \
    --attr='Kickstart_PublicKey=ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDemoKey root@admin' \
    | kgen >"$T/frontend.ks"
  run grep -E '^(network|sshkey|repo --name=rocks)' "$T/frontend.ks"
  [ "$output" = 'repo --name=rocks --baseurl=http://192.168.1.2/install/rocks-dist
network --bootproto=static --device=52:54:00:00:00:01 --ip=10.1.1.1 --netmask=255.0.0.0 --nodefroute --onboot=yes --activate
network --bootproto=dhcp --device=52:54:00:00:01:01 --hostname=frontend.example.org --onboot=yes --activate
sshkey --username=root '\''ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDemoKey root@admin'\''' ]
  run "$LINT" "$T/frontend.ks"
  [ "$status" -eq 0 ]
  [ "$output" = "" ]
}
