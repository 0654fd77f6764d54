#!/usr/bin/env bash
# One Open vSwitch instance per simulated node: ovsdb-server + ovs-vswitchd started inside the
# node's network namespace, with everything (db file, sockets, pid/log files, OVS_RUNDIR) in one
# directory, so several nodes on one host never share a socket or a <bridge>.mgmt file.
#
#   hack/node-ovs.sh start    <netns> <dir>                    start (no-op when already running)
#   hack/node-ovs.sh stop     <netns> <dir>                    stop both daemons (the dir is kept)
#   hack/node-ovs.sh underlay <netns> <dir> <dev> <cidr> [mtu] move the node's underlay device into
#        a netdev bridge "cirrus-ul" holding <cidr> on its internal port: userspace (netdev) tunnels
#        reach peers only through an OVS bridge, routed by the namespace's kernel table
#
# Clients address the instance with: ovs-vsctl --db=unix:<dir>/db.sock,
# ovs-ofctl ... unix:<dir>/<bridge>.mgmt, ovs-appctl -t <dir>/ovs-vswitchd.ctl.
# The node daemon is told <dir> through cirrus.node.ovs-rundir.
set -euo pipefail

usage() { sed -n '2,12p' "$0" >&2; exit 2; }
[ $# -ge 3 ] || usage
cmd=$1 ns=$2 dir=$3
schema=/usr/share/openvswitch/vswitch.ovsschema
vsctl() { ovs-vsctl --db="unix:$dir/db.sock" --timeout=20 "$@"; }
in_ns() { ip netns exec "$ns" env OVS_RUNDIR="$dir" OVS_DBDIR="$dir" OVS_LOGDIR="$dir" "$@"; }
alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

start() {
  [ -e "/run/netns/$ns" ] || { echo "no network namespace $ns" >&2; exit 1; }
  mkdir -p "$dir"
  [ -f "$dir/conf.db" ] || ovsdb-tool create "$dir/conf.db" "$schema"
  if ! alive "$dir/ovsdb-server.pid"; then
    in_ns ovsdb-server "$dir/conf.db" --remote="punix:$dir/db.sock" \
      --remote=db:Open_vSwitch,Open_vSwitch,manager_options \
      --pidfile="$dir/ovsdb-server.pid" --unixctl="$dir/ovsdb-server.ctl" \
      --log-file="$dir/ovsdb-server.log" -vconsole:off --detach
  fi
  vsctl --no-wait init
  vsctl --no-wait set Open_vSwitch . external_ids:hostname="$ns"
  if ! alive "$dir/ovs-vswitchd.pid"; then
    in_ns ovs-vswitchd "unix:$dir/db.sock" --pidfile="$dir/ovs-vswitchd.pid" \
      --unixctl="$dir/ovs-vswitchd.ctl" --log-file="$dir/ovs-vswitchd.log" -vconsole:off --detach
  fi
}

stop_daemon() {
  local pidfile=$1 pid
  alive "$pidfile" || { rm -f "$pidfile"; return 0; }
  pid=$(cat "$pidfile")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$pidfile"
}

stop() {
  stop_daemon "$dir/ovs-vswitchd.pid"
  stop_daemon "$dir/ovsdb-server.pid"
}

underlay() {
  local dev=$1 cidr=$2 mtu=${3:-1500}
  vsctl --may-exist add-br cirrus-ul -- set Bridge cirrus-ul datapath_type=netdev
  vsctl --may-exist add-port cirrus-ul "$dev"
  local errors
  errors=$(vsctl --bare --columns=error list Interface cirrus-ul "$dev" | tr -d '[:space:]')
  [ -z "$errors" ] || { echo "underlay bridge of $ns: $errors" >&2; exit 1; }
  ip netns exec "$ns" ip addr flush dev "$dev"
  ip netns exec "$ns" ip link set dev "$dev" mtu "$mtu" up
  ip netns exec "$ns" ip link set dev cirrus-ul mtu "$mtu" up
  ip netns exec "$ns" ip addr replace "$cidr" dev cirrus-ul
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  underlay) [ $# -ge 5 ] || usage; shift 3; underlay "$@" ;;
  *) usage ;;
esac
