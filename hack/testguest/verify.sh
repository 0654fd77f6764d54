#!/usr/bin/env bash
# End-to-end check of the test guest on this host (root): builds it, boots it under libvirt (TCG)
# on a throwaway Linux bridge with dnsmasq, checks the console markers, ping, TCP echo (port 7),
# HTTP (port 80) and a clean ACPI shutdown, then removes everything it created.
#
# Usage: hack/testguest/verify.sh
#   env MACHINE=pc|q35 (default pc), NICS=2 (second virtio NIC, 52:54:00:aa:bb:02 -> 10.123.0.56),
#       SEED_BUS=virtio (seed as a virtio disk instead of a CD-ROM), CMDLINE_EXTRA="cirrus.verbose" (appended to console=ttyS0),
#       CONSOLE_COPY=<file> (keep a copy of the guest console log)
# Uses: bridge cgtbr0 10.123.0.1/24, guest 52:54:00:aa:bb:01 -> 10.123.0.55,
#       domain cirrus-testguest-verify, files in /var/lib/libvirt/images/cirrus-testguest-verify/.
# Starts virtlogd/libvirtd if they are not running and stops them again at the end.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
MACHINE=${MACHINE:-pc}
BR=cgtbr0
DOM=cirrus-testguest-verify
DIR=/var/lib/libvirt/images/$DOM
RUN=$(mktemp -d /tmp/cirrus-tg-verify.XXXXXX)
MAC=52:54:00:aa:bb:01
GUEST_IP=10.123.0.55
MAC2=52:54:00:aa:bb:02     # second NIC with NICS=2
GUEST_IP2=10.123.0.56
NICS=${NICS:-1}
VIRSH=(virsh -q -c qemu:///system)
STARTED_DAEMONS=0
PING=ping; command -v ping >/dev/null || PING="busybox ping"

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*"; }
fail() { echo "verify: FAIL: $*" >&2; [ -f "$DIR/console.log" ] && { echo '--- console.log ---'; tr -d '\r' < "$DIR/console.log" | tail -40; } >&2; exit 1; }

cleanup() {
  set +e
  [ -n "${CONSOLE_COPY:-}" ] && [ -f "$DIR/console.log" ] && cp "$DIR/console.log" "$CONSOLE_COPY"
  "${VIRSH[@]}" destroy "$DOM" >/dev/null 2>&1
  "${VIRSH[@]}" undefine "$DOM" >/dev/null 2>&1
  [ -f "$RUN/dnsmasq.pid" ] && kill "$(cat "$RUN/dnsmasq.pid")" 2>/dev/null
  ip link del "$BR" 2>/dev/null
  if [ "$STARTED_DAEMONS" = 1 ]; then
    for p in "$RUN/libvirtd.pid" "$RUN/virtlogd.pid"; do [ -f "$p" ] && kill "$(cat "$p")" 2>/dev/null; done
  fi
  rm -rf "$DIR" "$RUN"
}
trap cleanup EXIT

# 1. build + install where libvirt-qemu can read
"$ROOT/hack/build-testguest.sh" --install-dir "$DIR"

# 2. libvirt
if ! "${VIRSH[@]}" version >/dev/null 2>&1; then
  log "starting virtlogd + libvirtd"
  virtlogd -d -p "$RUN/virtlogd.pid"
  libvirtd -d -p "$RUN/libvirtd.pid"
  STARTED_DAEMONS=1
  for _ in $(seq 50); do "${VIRSH[@]}" version >/dev/null 2>&1 && break; sleep 0.1; done
fi
"${VIRSH[@]}" version >/dev/null || fail "libvirtd not reachable"
"${VIRSH[@]}" destroy "$DOM" >/dev/null 2>&1 || true
"${VIRSH[@]}" undefine "$DOM" >/dev/null 2>&1 || true

# 3. bridge + DHCP
ip link del "$BR" 2>/dev/null || true
ip link add "$BR" type bridge
ip addr add 10.123.0.1/24 dev "$BR"
ip link set "$BR" up
dnsmasq --conf-file=/dev/null --bind-interfaces --interface="$BR" --except-interface=lo --port=0 \
  --dhcp-range=10.123.0.50,10.123.0.60,1h --dhcp-host="$MAC,$GUEST_IP" --dhcp-host="$MAC2,$GUEST_IP2" --dhcp-option=26,1400 \
  --pid-file="$RUN/dnsmasq.pid" --dhcp-leasefile="$RUN/dnsmasq.leases" --log-facility="$RUN/dnsmasq.log" --log-dhcp

# 4. NoCloud seed
mkdir -p "$RUN/seed"
printf 'instance-id: test-123\nlocal-hostname: guest-one\n' > "$RUN/seed/meta-data"
printf '#cloud-config\n#cirrus-probe gw ping -c 1 -W 2 10.123.0.1\n#cirrus-probe nothere ping -c 1 -W 1 10.123.0.99\n#cirrus-probe mtu grep -qx 1400 /sys/class/net/eth0/mtu\n' > "$RUN/seed/user-data"
xorriso -as mkisofs -quiet -V cidata -J -R -o "$DIR/seed.iso" "$RUN/seed/meta-data" "$RUN/seed/user-data" 2>/dev/null
chmod 0644 "$DIR/seed.iso"

# 5. domain
# The seed as a CD-ROM on the machine's own bus (IDE on pc, SATA on q35) or, SEED_BUS=virtio,
# as a read-only virtio disk (the guest finds it on /dev/vd* by its ISO label).
SEED_DEVICE=cdrom
case "${SEED_BUS:-}" in
  virtio) SEED_DEVICE=disk; CD_TARGET="<target dev='vdb' bus='virtio'/>" ;;
  *) if [ "$MACHINE" = q35 ]; then CD_TARGET="<target dev='sda' bus='sata'/>"; else CD_TARGET="<target dev='hdc' bus='ide'/>"; fi ;;
esac
cat > "$RUN/domain.xml" <<XML
<domain type='qemu'>
  <name>$DOM</name>
  <memory unit='MiB'>256</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='$MACHINE'>hvm</type>
    <kernel>$DIR/vmlinuz</kernel>
    <initrd>$DIR/initrd.img</initrd>
    <cmdline>console=ttyS0${CMDLINE_EXTRA:+ $CMDLINE_EXTRA}</cmdline>
  </os>
  <features><acpi/></features>
  <on_poweroff>destroy</on_poweroff>
  <devices>
    <disk type='file' device='$SEED_DEVICE'>
      <driver name='qemu' type='raw'/>
      <source file='$DIR/seed.iso'/>
      $CD_TARGET
      <readonly/>
    </disk>
    <interface type='bridge'>
      <source bridge='$BR'/>
      <mac address='$MAC'/>
      <model type='virtio'/>
    </interface>
$( [ "$NICS" = 2 ] && printf "    <interface type='bridge'><source bridge='%s'/><mac address='%s'/><model type='virtio'/></interface>\n" "$BR" "$MAC2" )
    <serial type='file'>
      <source path='$DIR/console.log'/>
      <target port='0'/>
    </serial>
    <console type='file'>
      <source path='$DIR/console.log'/>
      <target type='serial' port='0'/>
    </console>
  </devices>
</domain>
XML
"${VIRSH[@]}" define "$RUN/domain.xml" >/dev/null
t0=$(date +%s.%N)
"${VIRSH[@]}" start "$DOM" >/dev/null
log "started $DOM (machine $MACHINE), waiting for CIRRUS-READY"
since() { awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}'; }
t_ip=
for _ in $(seq 600); do
  [ -z "$t_ip" ] && grep -q '^CIRRUS-IP=' "$DIR/console.log" 2>/dev/null && t_ip=$(since)
  grep -q '^CIRRUS-READY' "$DIR/console.log" 2>/dev/null && break
  sleep 0.1
done
grep -q '^CIRRUS-READY' "$DIR/console.log" || fail "no CIRRUS-READY within 60 s"
log "CIRRUS-IP after ${t_ip:-?} s, CIRRUS-READY after $(since) s (includes the 20 s retry of the failing probe)"
tr -d '\r' < "$DIR/console.log" | grep '^CIRRUS-'

c() { tr -d '\r' < "$DIR/console.log"; }
c | grep -qx 'CIRRUS-INSTANCE-ID=test-123' || fail "instance-id"
c | grep -qx 'CIRRUS-HOSTNAME=guest-one'   || fail "hostname"
c | grep -qx "CIRRUS-IP=$GUEST_IP/24"      || fail "ip"
c | grep -qx "CIRRUS-IP-eth0=$GUEST_IP/24" || fail "ip eth0"
if [ "$NICS" = 2 ]; then c | grep -qx "CIRRUS-IP-eth1=$GUEST_IP2/24" || fail "ip eth1"; fi
c | grep -qx 'CIRRUS-PROBE gw OK'          || fail "probe gw"
c | grep -qx 'CIRRUS-PROBE nothere FAIL'   || fail "probe nothere should FAIL"
c | grep -qx 'CIRRUS-PROBE mtu OK'         || fail "MTU 1400 from DHCP option 26"

$PING -c 3 -W 2 "$GUEST_IP" >/dev/null || fail "host -> guest ping"
log "ping OK"
reply=$(echo cirrus-echo | timeout 5 busybox nc -w 3 "$GUEST_IP" 7) || true
[ "$reply" = cirrus-echo ] || fail "TCP echo on port 7 (got '$reply')"
log "TCP echo OK"
page=$(timeout 5 busybox wget -q -O - "http://$GUEST_IP/" ) || true
[ "$page" = guest-one ] || fail "HTTP on port 80 (got '$page')"
log "HTTP OK"

# 6. clean shutdown through the ACPI power button
"${VIRSH[@]}" shutdown "$DOM" >/dev/null
for _ in $(seq 150); do
  [ "$("${VIRSH[@]}" domstate "$DOM" 2>/dev/null)" = "shut off" ] && break
  sleep 0.1
done
[ "$("${VIRSH[@]}" domstate "$DOM")" = "shut off" ] || fail "virsh shutdown did not power off the guest"
c | grep -qx 'CIRRUS-SHUTDOWN' || fail "no CIRRUS-SHUTDOWN marker"
log "ACPI shutdown OK"
echo "verify: PASS (machine $MACHINE)"
