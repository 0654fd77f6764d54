#!/usr/bin/env bash
# The E2E scenario on a real k3s cluster: install the Cirrus chart, apply config/samples/, wait
# until every VM is Ready, show them.
#
# Where it runs: as root on a k3s server node (Debian 12 / Ubuntu 22.04+ tested in principle),
# every hypervisor node having
#   - KVM (/dev/kvm; without it pass --tcg: QEMU emulation, slow),
#   - Open vSwitch running (ovsdb-server + ovs-vswitchd, socket /run/openvswitch/db.sock) and
#     the openvswitch kernel module (datapath "system"),
#   - libvirtd running (socket /run/libvirt/libvirt-sock),
# and this node having Java 17 + Maven (to build the jars), Go (for hack/build-helm.sh unless
# `helm` is on PATH) and a container engine (docker, podman or buildah) to build the images, or
# image archives given with --images DIR (cirrus-operator.tar, cirrus-node-daemon.tar).
# The samples' VMs green-1 and green-2 are anti-affine: the full scenario needs two hypervisor
# nodes; with one, the script says so and waits for the VMs that can run.
# It cannot run on the project's CI machines (no container engine, no KVM, no k3s): it is the
# documented path, kept simple, not a tested one.
#
# Usage: hack/e2e-k3s.sh [--install-k3s] [--tcg] [--images DIR] [--namespace NS] [--timeout 15m]
#        hack/e2e-k3s.sh --down        uninstall the chart and the samples, stop the image server
#   --install-k3s   install k3s with its official installer when `k3s` is absent (needs internet)
#   --tcg           domain type qemu instead of kvm
#   --images DIR    import DIR/cirrus-operator.tar and DIR/cirrus-node-daemon.tar instead of building
set -euo pipefail
source "$(dirname "$0")/lib.sh"

NAMESPACE=cirrus-system
RELEASE=cirrus
TIMEOUT=15m
INSTALL_K3S=0
DOMAIN_TYPE=kvm
IMAGES_DIR=""
DOWN=0
TAG="$(sed -n 's/^appVersion: "\(.*\)"$/\1/p' "$CIRRUS_ROOT/helm/cirrus/Chart.yaml")"
IMAGE_PORT=8787
WORK="${CIRRUS_K3S_WORK:-/var/tmp/cirrus-k3s}"

while [ $# -gt 0 ]; do
  case "$1" in
    --install-k3s) INSTALL_K3S=1 ;;
    --tcg) DOMAIN_TYPE=qemu ;;
    --images) IMAGES_DIR="$2"; shift ;;
    --namespace) NAMESPACE="$2"; shift ;;
    --timeout) TIMEOUT="$2"; shift ;;
    --down) DOWN=1 ;;
    -h|--help) sed -n '2,26p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) die "unknown argument: $1" ;;
  esac
  shift
done

export KUBECONFIG="${KUBECONFIG:-/etc/rancher/k3s/k3s.yaml}"
kc() { k3s kubectl "$@"; }

helm_bin() {
  if command -v helm >/dev/null; then command -v helm; else "$CIRRUS_ROOT/hack/build-helm.sh" --print; fi
}

down() {
  log "removing the samples, the release $RELEASE and the image server"
  kc delete -f "$WORK/samples" --ignore-not-found --wait=true --timeout=5m 2>/dev/null || true
  "$(helm_bin)" uninstall "$RELEASE" --namespace "$NAMESPACE" 2>/dev/null || true
  stop_pidfile "$WORK/image-server.pid"
  rm -rf "$WORK"
}

preflight() {
  [ "$(id -u)" = 0 ] || die "run as root (k3s ctr, host checks)"
  if ! command -v k3s >/dev/null; then
    [ "$INSTALL_K3S" = 1 ] || die "k3s not found: install it (or rerun with --install-k3s)"
    log "installing k3s (official installer)"
    curl -sfL https://get.k3s.io | INSTALL_K3S_EXEC="--disable traefik" sh -
  fi
  kc get nodes >/dev/null || die "k3s API not reachable with $KUBECONFIG"
  [ "$DOMAIN_TYPE" = qemu ] || [ -c /dev/kvm ] || die "/dev/kvm missing on this node: enable KVM or pass --tcg"
  [ -S /run/libvirt/libvirt-sock ] || die "libvirtd is not running (no /run/libvirt/libvirt-sock)"
  [ -S /run/openvswitch/db.sock ] || die "Open vSwitch is not running (no /run/openvswitch/db.sock)"
  grep -qw '^openvswitch' /proc/modules || log "warning: kernel module openvswitch not loaded (datapath system needs it)"
}

build_images() {
  mkdir -p "$WORK/images"
  if [ -n "$IMAGES_DIR" ]; then
    cp "$IMAGES_DIR/cirrus-operator.tar" "$IMAGES_DIR/cirrus-node-daemon.tar" "$WORK/images/"
    return
  fi
  log "building the jars (mvn package)"
  (cd "$CIRRUS_ROOT" && mvn -B -q -pl operator,node-daemon -am package -DskipTests)
  local engine
  for engine in docker podman buildah ""; do
    [ -n "$engine" ] && command -v "$engine" >/dev/null && break
  done
  [ -n "$engine" ] || die "no container engine (docker, podman, buildah): build the images elsewhere and pass --images DIR"
  local module name
  for module in operator node-daemon; do
    name="cirrus/$module:$TAG"
    log "building image $name with $engine"
    if [ "$engine" = buildah ]; then
      buildah bud -f "$CIRRUS_ROOT/$module/src/main/docker/Dockerfile" -t "$name" "$CIRRUS_ROOT/$module"
      buildah push "$name" "docker-archive:$WORK/images/cirrus-$module.tar:docker.io/$name"
    else
      "$engine" build -f "$CIRRUS_ROOT/$module/src/main/docker/Dockerfile" -t "docker.io/$name" "$CIRRUS_ROOT/$module"
      "$engine" save -o "$WORK/images/cirrus-$module.tar" "docker.io/$name"
    fi
  done
}

import_images() {
  # k3s' containerd (namespace k8s.io) on this node. Other nodes of the cluster need the same
  # import (or a registry the chart's image.repository points to).
  local tar
  for tar in "$WORK"/images/*.tar; do
    log "importing $(basename "$tar") into k3s"
    k3s ctr images import "$tar"
  done
}

# The samples' Images point at the test guest on 127.0.0.1:8787 with the checksums of one build:
# serve this node's build on its InternalIP (reachable from every node's host network) and
# rewrite URL and checksums to match.
serve_testguest() {
  "$CIRRUS_ROOT/hack/build-testguest.sh"
  local guest="$CIRRUS_CACHE_DIR/testguest" ip kernel_sum initrd_sum
  ip="$(kc get node "$(hostname)" -o jsonpath='{.status.addresses[?(@.type=="InternalIP")].address}' 2>/dev/null || true)"
  [ -n "$ip" ] || ip="$(kc get nodes -o jsonpath='{.items[0].status.addresses[?(@.type=="InternalIP")].address}')"
  mkdir -p "$WORK/www" "$WORK/samples"
  rm -rf "$WORK/www/testguest" && cp -r "$guest" "$WORK/www/testguest"
  stop_pidfile "$WORK/image-server.pid"
  python3 -m http.server "$IMAGE_PORT" --bind "$ip" --directory "$WORK/www" >"$WORK/image-server.log" 2>&1 &
  echo $! >"$WORK/image-server.pid"
  kernel_sum="$(awk '$2=="vmlinuz"{print $1}' "$guest/SHA256SUMS")"
  initrd_sum="$(awk '$2=="initrd.img"{print $1}' "$guest/SHA256SUMS")"
  local f
  for f in "$CIRRUS_ROOT"/config/samples/*.yaml; do
    sed -e "s#http://127.0.0.1:$IMAGE_PORT/#http://$ip:$IMAGE_PORT/#" \
        -e "/vmlinuz\$/,/checksum:/s#sha256:[0-9a-f]*#sha256:$kernel_sum#" \
        -e "/initrd.img\$/,/checksum:/s#sha256:[0-9a-f]*#sha256:$initrd_sum#" \
        "$f" >"$WORK/samples/$(basename "$f")"
  done
  log "test guest served on http://$ip:$IMAGE_PORT/testguest/"
}

install_chart() {
  log "helm install $RELEASE (namespace $NAMESPACE, domain type $DOMAIN_TYPE)"
  "$(helm_bin)" upgrade --install "$RELEASE" "$CIRRUS_ROOT/helm/cirrus" \
    --namespace "$NAMESPACE" --create-namespace \
    --set operator.image.pullPolicy=Never --set nodeDaemon.image.pullPolicy=Never \
    --set nodeDaemon.domainType="$DOMAIN_TYPE" \
    --set nodeDaemon.allowPrivateImageUrls=true \
    --wait --timeout "$TIMEOUT"
  kc wait --for=condition=Ready hypervisors --all --timeout="$TIMEOUT"
  kc get hypervisors -o wide
}

run_samples() {
  kc apply -f "$WORK/samples"
  local nodes
  nodes="$(kc get hypervisors --no-headers | wc -l)"
  if [ "$nodes" -ge 2 ]; then
    log "waiting for every VM to be Ready (timeout $TIMEOUT)"
    kc wait --for=condition=Ready vm --all -A --timeout="$TIMEOUT"
  else
    log "one hypervisor only: green-2 (anti-affine to green-1) cannot be placed; waiting for green-1 and blue-1"
    kc -n green wait --for=condition=Ready vm/green-1 --timeout="$TIMEOUT"
    kc -n blue wait --for=condition=Ready vm/blue-1 --timeout="$TIMEOUT"
  fi
  kc get vm -A -o wide
  # The test guest prints its probe results on its serial console (hack/testguest/README.md);
  # the logs of the VMs on this node are here.
  local log_file
  while IFS= read -r log_file; do
    echo "--- $log_file"
    grep -a 'CIRRUS-HOSTNAME=\|CIRRUS-IP=\|CIRRUS-PROBE' "$log_file" || true
  done < <(find /var/lib/libvirt/images/cirrus -name console.log 2>/dev/null)
}

if [ "$DOWN" = 1 ]; then
  down
  exit 0
fi
t0=$SECONDS
preflight
build_images
import_images
serve_testguest
install_chart
run_samples
log "k3s E2E done in $((SECONDS - t0)) s (remove with: hack/e2e-k3s.sh --down)"
