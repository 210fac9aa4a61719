# Hostile attribute values, one per way a value could turn into kickstart
# syntax or shell, and the checks that none does. Loaded by the kpp, kgen
# and kickstart.cgi tests, which bring the values in through kpp --attr,
# the database and the CGI.

GRAPHDATA=$ROCKS_SRCDIR/t/data/graph
LS=$(printf '\342\200\250')   # U+2028, a line break only Python knows
PS=$(printf '\342\200\251')   # U+2029

# NAME VALUE pairs. Info_ClusterName lands in a file body (rocks-release),
# Kickstart_PrivateKickstartHost in the url command and in the curl lines
# of %pre, %post and %onerror, Kickstart_Timezone and Kickstart_Keyboard in
# commands, Kickstart_SNMPCommunity and Kickstart_PublicKey in file bodies.
HOSTILE=(
  Info_ClusterName $'x\n%end\n%post\ntouch /PWNED\n%end'
  Kickstart_PrivateKickstartHost "10.1.1.1'; touch /PWNED; '\$(touch /PWNED)"
  Kickstart_Timezone "UTC$LS%post${LS}touch /PWNED$LS%end"
  Kickstart_Keyboard 'us # --bogus'
  Kickstart_SNMPCommunity "pub$PS%post${PS}touch /PWNED"
  Kickstart_PublicKey $'ssh-ed25519 AAAA root@frontend\n  %include /etc/shadow\n%ksappend /x'
)

# The section lines the installer sees in the compute kickstart of the
# test's profile ($PROFILE), whatever the values.
benign_directives() {
  kpp --profile="$PROFILE" --appliance=compute \
    --attr=Kickstart_PublicKey=key >"$T/benign.xml"
  kgen "$T/benign.xml" >"$T/benign.ks"
  mkdir -p "$T/benign-split"
  "$GRAPHDATA/ks-split" "$T/benign.ks" "$T/benign-split"
}

# check_kickstart KS: the installer sees the same sections as in the
# benign kickstart; every script passes bash -n; run in a sandbox, they
# write the hostile values as data, pass the URL to curl as one word, and
# nothing injected runs. Commands print on one line each as expected.
# NET is the private network (10.0.0.0/8).
check_kickstart() {
  local ks=$1 f
  rm -rf "$T/split" "$T/root"
  mkdir -p "$T/split"
  diff -u <(benign_directives) <("$GRAPHDATA/ks-split" "$ks" "$T/split")
  for f in "$T/split"/*.sh; do bash -n "$f"; done
  "$GRAPHDATA/ks-sandbox" "$T/root" "$T/split"/*-post.sh "$T/split"/*-onerror.sh \
    "$T/split"/01-pre.sh
  [ ! -e "$T/root/PWNED" ]
  local host=${HOSTILE[3]} cgi=/install/sbin/kickstart.cgi
  [ "$(grep "^curl " "$T/root/stub.log" | head -2)" = "curl [-fsS] [--retry] [5] [--retry-delay] [2] [--retry-connrefused] [-o] [/dev/null] [http://$host$cgi?state=installed]
curl [-fsS] [--retry] [5] [--retry-delay] [2] [--retry-connrefused] [-o] [/dev/null] [http://$host$cgi?state=failed]" ]
  # The installing call reports the CPUs, memory and NICs the sandbox has.
  local installing re
  installing=$(grep "^curl " "$T/root/stub.log" | sed -n 3p)
  re='^curl \[-fsS\] \[--retry\] \[5\] \[--retry-delay\] \[2\] \[--retry-connrefused\] \[-o\] \[/dev/null\] \[(.*)\?state=installing&np=[0-9]+&mem=[0-9]+(&nic=[A-Za-z0-9_.-]+,[0-9a-f:]+)*\]$'
  [[ $installing =~ $re ]]
  [ "${BASH_REMATCH[1]}" = "http://$host$cgi" ]
  [ "$(grep -c "^curl " "$T/root/stub.log")" = 3 ]
  [ "$(cat "$T/root/etc/rocks-release")" = "Rocks cluster ${HOSTILE[1]}
appliance compute" ]
  [ "$(sed -n 2p "$T/root/etc/snmp/snmpd.conf")" = "rocommunity ${HOSTILE[9]} ${NET:-10.0.0.0/8}" ]
  [ "$(cat "$T/root/root/.ssh/authorized_keys")" = "${HOSTILE[11]}" ]
  # Commands: one word each, whatever shlex would read in them.
  grep -qxF "timezone 'UTC %post touch /PWNED %end' --utc" "$ks"
  grep -qxF "keyboard --vckeymap='us # --bogus' --xlayouts='us # --bogus'" "$ks"
  grep -qxF "url --url=http://'10.1.1.1'\\''; touch /PWNED; '\\''\$(touch /PWNED)'/install/rocks-dist" "$ks"
}

# The --attr words of all hostile values, each ended by a NUL.
hostile_attrs() {
  set -- "${HOSTILE[@]}"
  while [ "$#" -gt 0 ]; do
    printf '%s\0' "--attr=$1=$2"
    shift 2
  done
}

# Sets every hostile value as a global attribute of the database.
hostile_db() {
  set -- "${HOSTILE[@]}"
  while [ "$#" -gt 0 ]; do
    rocks set attr "$1" "$2"
    shift 2
  done
}
