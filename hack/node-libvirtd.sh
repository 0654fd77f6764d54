#!/usr/bin/env bash
# One libvirtd (+ virtlogd) per simulated hypervisor node: runs inside the node's network namespace,
# in a private mount namespace where the node's own copies of libvirt's directories hide the host's,
# so its QEMU processes live in the node namespace (their taps are the node's taps) and its domain
# definitions, pid files and logs stay the node's. Why each piece is needed: the developer notes,
# "Simulating several hypervisor nodes on one machine".
#
#   hack/node-libvirtd.sh start <netns> <node-dir>   prints the connection URI
#   hack/node-libvirtd.sh stop  <netns> <node-dir>   destroys the node's running domains, stops both daemons
#   hack/node-libvirtd.sh uri   <node-dir>
#
# <node-dir> (absolute) receives run/libvirt (sockets, pid files, qemu/<domain>.pid), etc/libvirt,
# lib/libvirt, log/libvirt, cache/libvirt. The URI is
#   qemu+unix:///system?socket=<node-dir>/run/libvirt/libvirt-sock
# QEMU runs as libvirt-qemu: VM files must be in a directory it can traverse and read, and outside
# the hidden /var/lib/libvirt (e.g. <node-dir>/vms; this script makes <node-dir> world-traversable).
# start is idempotent (a running node daemon is left alone); stop too. libvirtd inherits the caller's
# environment: for domains on OVS (<virtualport type='openvswitch'/>) export the node's OVS_RUNDIR
# (and its db socket) before start, since libvirt runs ovs-vsctl with it.
set -euo pipefail

usage() { sed -n '2,19p' "${BASH_SOURCE[0]}" >&2; exit 2; }
die() { echo "node-libvirtd: $*" >&2; exit 1; }

uri_of() { echo "qemu+unix:///system?socket=$1/run/libvirt/libvirt-sock"; }

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# The node's copies of libvirt's directories, made once. Host domain definitions, autostarted
# networks and disk images are not copied: the node starts empty.
prepare() {
  local dir=$1
  mkdir -p "$dir"
  chmod 0755 "$dir" "$(dirname "$dir")"
  mkdir -p "$dir/run/libvirt" "$dir/log/libvirt" "$dir/lib" "$dir/cache"
  if [ ! -e "$dir/etc/libvirt/libvirtd.conf" ]; then
    mkdir -p "$dir/etc"
    cp -a /etc/libvirt "$dir/etc/"
    rm -f "$dir"/etc/libvirt/qemu/*.xml "$dir"/etc/libvirt/qemu/networks/autostart/*
  fi
  if [ ! -e "$dir/lib/libvirt/qemu" ]; then
    mkdir -p "$dir/lib/libvirt"
    chmod 0755 "$dir/lib/libvirt"
    for entry in /var/lib/libvirt/*; do
      [ "$(basename "$entry")" = images ] && continue
      cp -a "$entry" "$dir/lib/libvirt/"
    done
    install -d -m 0711 "$dir/lib/libvirt/images"
  fi
  # A warm capabilities cache saves seconds of QEMU probing on the node's first domain.
  [ -e "$dir/cache/libvirt" ] || cp -a /var/cache/libvirt "$dir/cache/"
}

start() {
  local ns=$1 dir=$2 run
  run="$dir/run/libvirt"
  ip netns list | grep -qw "^$ns" || die "no network namespace $ns"
  prepare "$dir"
  if alive "$run/libvirtd.pid"; then
    uri_of "$dir"
    return 0
  fi
  # Explicit pid files: the defaults (/run/libvirtd.pid, /run/virtlogd.pid) are outside the hidden dir.
  ip netns exec "$ns" unshare --mount --propagation private sh -ec '
    d=$1
    mount --bind "$d/run/libvirt" /run/libvirt
    mount --bind "$d/etc/libvirt" /etc/libvirt
    mount --bind "$d/lib/libvirt" /var/lib/libvirt
    mount --bind "$d/log/libvirt" /var/log/libvirt
    mount --bind "$d/cache/libvirt" /var/cache/libvirt
    # Daemons must not hold the caller'"'"'s stdout/stderr open (callers read them to EOF).
    virtlogd -d -p /run/libvirt/virtlogd.pid </dev/null >>/var/log/libvirt/daemons.log 2>&1
    libvirtd -d -p /run/libvirt/libvirtd.pid </dev/null >>/var/log/libvirt/daemons.log 2>&1
  ' node-libvirtd "$dir"
  for _ in $(seq 100); do
    if virsh -q -c "$(uri_of "$dir")" version >/dev/null 2>&1; then
      uri_of "$dir"
      return 0
    fi
    sleep 0.1
  done
  die "libvirtd of $ns did not answer on $(uri_of "$dir") within 10 s (see $dir/log/libvirt)"
}

stop_pid() {
  local pidfile=$1 pid
  alive "$pidfile" || { rm -f "$pidfile"; return 0; }
  pid=$(cat "$pidfile")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$pidfile"
}

stop() {
  local dir=$2 run uri name
  run="$dir/run/libvirt"
  uri=$(uri_of "$dir")
  if alive "$run/libvirtd.pid"; then
    # QEMU outlives libvirtd on purpose (adoption); a stopped node must not leave guests behind.
    for name in $(virsh -q -c "$uri" list --name 2>/dev/null); do
      virsh -q -c "$uri" destroy "$name" >/dev/null 2>&1 || true
    done
  fi
  stop_pid "$run/libvirtd.pid"
  stop_pid "$run/virtlogd.pid"
  # Guests started by a libvirtd that died before the destroys above.
  for pidfile in "$run"/qemu/*.pid; do
    [ -e "$pidfile" ] && stop_pid "$pidfile"
  done
  return 0
}

[ $# -ge 1 ] || usage
case "$1" in
  start) [ $# -eq 3 ] || usage; [[ "$3" = /* ]] || die "node dir must be absolute"; start "$2" "$3" ;;
  stop) [ $# -eq 3 ] || usage; stop "$2" "$3" ;;
  uri) [ $# -eq 2 ] || usage; uri_of "$2" ;;
  *) usage ;;
esac
