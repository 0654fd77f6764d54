#!/usr/bin/env bash
# Installs the Debian packages the whole project needs (tests, local cloud, test guest).
# Idempotent: skips apt entirely when every package is already installed.
set -euo pipefail

PACKAGES=(
  etcd-server                       # etcd for the test control plane (fallback; hack/build-kube.sh builds a newer one)
  openvswitch-switch                # OVS backend (userspace netdev datapath here)
  libvirt-daemon-system libvirt0    # libvirtd + the native lib libvirt-java binds to
  qemu-system-x86 qemu-utils        # QEMU (TCG here) and qemu-img
  dnsmasq-base                      # DHCP/DNS per network
  iproute2 bridge-utils             # ip, bridge
  nftables iptables                 # router: SNAT, floating IPs, firewall
  iputils-arping conntrack          # router: gratuitous ARP for moved floating IPs; forget NAT state of removed ones
  xorriso genisoimage               # cloud-init NoCloud seed ISO
  iperf3 ethtool tcpdump            # dataplane benchmark, offloads, debugging
  linux-image-amd64 busybox-static  # test guest: Debian kernel + busybox initramfs
  kmod cpio curl procps psmisc util-linux
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# No systemd here: policy-rc.d keeps postinst scripts from trying to start services.
printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/tmp/cirrus-apt.log 2>&1 || {
  tail -50 /tmp/cirrus-apt.log; exit 1; }
rm -f /usr/sbin/policy-rc.d
echo "install-deps: done"
