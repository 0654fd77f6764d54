#!/usr/bin/env bash
# The local control plane: etcd + kube-apiserver (no kubelet, no controllers), on loopback.
#   hack/control-plane.sh up | down | status
# Certificates, data and logs live in $CIRRUS_STATE_DIR/control-plane; the admin kubeconfig is
# written to $CIRRUS_STATE_DIR/kubeconfig.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

DIR="$CIRRUS_STATE_DIR/control-plane"
ETCD_PORT="${CIRRUS_ETCD_PORT:-23790}"
API_PORT="${CIRRUS_API_PORT:-16443}"

make_certs() {
  [ -f "$DIR/pki/admin.crt" ] && return 0
  mkdir -p "$DIR/pki" && cd "$DIR/pki"
  openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 3650 -subj "/CN=cirrus-local-ca" 2>/dev/null
  cat > apiserver.ext <<EXT
subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,IP:10.0.0.1
extendedKeyUsage=serverAuth
EXT
  openssl req -newkey rsa:2048 -nodes -keyout apiserver.key -out apiserver.csr -subj "/CN=kube-apiserver" 2>/dev/null
  openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out apiserver.crt -days 3650 -extfile apiserver.ext 2>/dev/null
  printf 'extendedKeyUsage=clientAuth\n' > client.ext
  openssl req -newkey rsa:2048 -nodes -keyout admin.key -out admin.csr -subj "/O=system:masters/CN=cirrus-admin" 2>/dev/null
  openssl x509 -req -in admin.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out admin.crt -days 3650 -extfile client.ext 2>/dev/null
  openssl genrsa -out sa.key 2048 2>/dev/null
  openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
  cd - >/dev/null
}

write_kubeconfig() {
  cat > "$KUBECONFIG_FILE" <<KC
apiVersion: v1
kind: Config
clusters:
- name: cirrus-local
  cluster:
    server: https://127.0.0.1:$API_PORT
    certificate-authority-data: $(base64 -w0 "$DIR/pki/ca.crt")
users:
- name: cirrus-admin
  user:
    client-certificate-data: $(base64 -w0 "$DIR/pki/admin.crt")
    client-key-data: $(base64 -w0 "$DIR/pki/admin.key")
contexts:
- name: cirrus-local
  context: {cluster: cirrus-local, user: cirrus-admin}
current-context: cirrus-local
KC
  chmod 600 "$KUBECONFIG_FILE"
}

running() { [ -f "$DIR/$1.pid" ] && kill -0 "$(cat "$DIR/$1.pid")" 2>/dev/null; }

up() {
  [ -x "$KUBE_BIN_DIR/kube-apiserver" ] || die "no kube-apiserver in $KUBE_BIN_DIR: run hack/build-kube.sh"
  mkdir -p "$DIR"
  make_certs
  write_kubeconfig
  if ! running etcd; then
    "$KUBE_BIN_DIR/etcd" --data-dir "$DIR/etcd" \
      --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
      --listen-peer-urls "http://127.0.0.1:$((ETCD_PORT + 1))" \
      --unsafe-no-fsync >"$DIR/etcd.log" 2>&1 &
    echo $! > "$DIR/etcd.pid"
  fi
  if ! running kube-apiserver; then
    "$KUBE_BIN_DIR/kube-apiserver" \
      --etcd-servers "http://127.0.0.1:$ETCD_PORT" \
      --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$API_PORT" \
      --cert-dir "$DIR/pki" --tls-cert-file "$DIR/pki/apiserver.crt" --tls-private-key-file "$DIR/pki/apiserver.key" \
      --client-ca-file "$DIR/pki/ca.crt" \
      --service-account-issuer https://kubernetes.default.svc.cluster.local \
      --service-account-key-file "$DIR/pki/sa.pub" --service-account-signing-key-file "$DIR/pki/sa.key" \
      --service-cluster-ip-range 10.0.0.0/24 \
      --authorization-mode RBAC --allow-privileged=true \
      --disable-admission-plugins ServiceAccount \
      >"$DIR/kube-apiserver.log" 2>&1 &
    echo $! > "$DIR/kube-apiserver.pid"
  fi
  for _ in $(seq 120); do
    if kubectl_ get --raw /readyz >/dev/null 2>&1; then
      log "control plane ready: kube-apiserver $(kubectl_ version -o json 2>/dev/null | sed -n 's/.*"gitVersion": "\(v[^"]*\)".*/\1/p' | tail -1) at https://127.0.0.1:$API_PORT (kubeconfig $KUBECONFIG_FILE)"
      return 0
    fi
    running kube-apiserver || { tail -20 "$DIR/kube-apiserver.log"; die "kube-apiserver exited"; }
    sleep 0.5
  done
  tail -20 "$DIR/kube-apiserver.log"; die "kube-apiserver not ready after 60 s"
}

down() {
  stop_pidfile "$DIR/kube-apiserver.pid"
  stop_pidfile "$DIR/etcd.pid"
  rm -rf "$DIR" "$KUBECONFIG_FILE"
  log "control plane removed"
}

status() {
  for p in etcd kube-apiserver; do
    if running "$p"; then echo "$p: running (pid $(cat "$DIR/$p.pid"))"; else echo "$p: stopped"; fi
  done
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
