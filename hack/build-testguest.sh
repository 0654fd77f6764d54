#!/usr/bin/env bash
# Builds the Cirrus test guest: the installed Debian kernel plus a tiny busybox initramfs, for
# direct kernel boot (libvirt <os><kernel>/<initrd>/<cmdline>, no disk image needed).
#
#   ${CIRRUS_CACHE_DIR:-$HOME/.cache/cirrus}/testguest/
#       vmlinuz      /boot/vmlinuz-<kver> (newest version under /lib/modules)
#       initrd.img   cpio newc, gzip: busybox-static + virtio/ATA/CD-ROM modules + hack/testguest/init
#       SHA256SUMS   "<hex>  <file>" for both
#
# Kernel command line for callers:  console=ttyS0    ("quiet" is fine; "cirrus.verbose" shows
# kernel messages and DHCP/probe details, "cirrus.probetimeout=<s>" changes the 20 s probe retry).
# The guest reads its NoCloud seed (ISO9660 labelled "cidata", as a CD-ROM or disk), prints
# CIRRUS-INSTANCE-ID= / CIRRUS-HOSTNAME= / CIRRUS-IP= / CIRRUS-PROBE <name> OK|FAIL / CIRRUS-READY
# on the serial console: see hack/testguest/README.md.
#
# QEMU runs as libvirt-qemu: a cache under /root is not readable by it. Copy the files to a
# readable place (e.g. /var/lib/libvirt/images/...) or pass --install-dir DIR to do so.
#
# Usage: hack/build-testguest.sh [--force] [--install-dir DIR]
# Idempotent: rebuilds only when the kernel (package version), busybox, the module list or
# this script / hack/testguest/* change (stamp file). Needs: kmod (modprobe), cpio, gzip;
# xz/zstd only if the modules are compressed. No root needed except for /dev/console in the
# initramfs (skipped otherwise; /init reopens the console after mounting devtmpfs).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SRC="$ROOT/hack/testguest"
OUT="${CIRRUS_CACHE_DIR:-$HOME/.cache/cirrus}/testguest"

# Modules the guest loads (plus their dependencies, resolved with modprobe --show-depends).
MODULES=(
  virtio_pci virtio_net virtio_blk virtio_scsi virtio_rng  # virtio devices (PCI transport)
  ata_piix ahci sr_mod sd_mod cdrom isofs nls_utf8         # CD-ROM seed on IDE (pc) / SATA (q35)
  button evdev                                             # ACPI power button -> clean poweroff
)

FORCE=0
INSTALL_DIR=
while [ $# -gt 0 ]; do
  case "$1" in
    --force) FORCE=1 ;;
    --install-dir) INSTALL_DIR=${2:?--install-dir needs a directory}; shift ;;
    -h|--help) sed -n '2,24p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "build-testguest: unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done

die() { echo "build-testguest: $*" >&2; exit 1; }
for c in modprobe cpio gzip sha256sum; do command -v "$c" >/dev/null || die "missing $c (run hack/install-deps.sh)"; done
BUSYBOX=/bin/busybox
[ -x "$BUSYBOX" ] || die "missing $BUSYBOX (busybox-static)"
"$BUSYBOX" --list | grep -qx udhcpc || die "$BUSYBOX has no udhcpc"
# A dynamically linked busybox (package busybox, not busybox-static) cannot run in the initramfs.
if LC_ALL=C file "$BUSYBOX" 2>/dev/null | grep -q 'dynamically linked'; then
  die "$BUSYBOX is dynamically linked: install busybox-static"
fi

KVER=$(ls -1 /lib/modules | sort -V | while read -r v; do [ -f "/boot/vmlinuz-$v" ] && echo "$v"; done | tail -n 1)
[ -n "$KVER" ] || die "no /boot/vmlinuz-<kver> matching /lib/modules/<kver> (install linux-image-amd64)"
KERNEL="/boot/vmlinuz-$KVER"
[ -r "$KERNEL" ] || die "$KERNEL not readable"
KPKG=$(dpkg-query -S "$KERNEL" 2>/dev/null | cut -d: -f1 || true)
KPKG_VERSION=$( [ -n "$KPKG" ] && dpkg-query -W -f='${Version}' "$KPKG" 2>/dev/null || stat -c '%s-%Y' "$KERNEL")
BB_VERSION=$(dpkg-query -W -f='${Version}' busybox-static 2>/dev/null || sha256sum "$BUSYBOX" | cut -c1-16)

# Module files in load order: concatenate the dependency lists, keep first occurrences.
declare -a KOS=()
declare -A SEEN=()
for m in "${MODULES[@]}"; do
  deps=$(modprobe -S "$KVER" --show-depends "$m" 2>/dev/null) || { echo "build-testguest: note: no module $m in $KVER (built in or absent)" >&2; continue; }
  while read -r kind path _; do
    [ "$kind" = insmod ] || continue   # "builtin <name>" lines need nothing
    [ -n "${SEEN[$path]:-}" ] && continue
    SEEN[$path]=1
    KOS+=("$path")
  done <<<"$deps"
done
[ ${#KOS[@]} -gt 0 ] || die "no modules resolved for $KVER"

STAMP_INPUT=$( {
  echo "kver=$KVER kpkg=$KPKG kpkg_version=$KPKG_VERSION busybox=$BB_VERSION"
  printf '%s\n' "${KOS[@]}"
  sha256sum "${BASH_SOURCE[0]}" "$SRC/init" "$SRC/udhcpc.script" "$SRC/acpi-power" | cut -d' ' -f1
} )
STAMP=$(printf '%s' "$STAMP_INPUT" | sha256sum | cut -d' ' -f1)

print_result() {
  echo "build-testguest: kernel $KVER ($KPKG $KPKG_VERSION), ${#KOS[@]} modules"
  echo "  kernel:  $1/vmlinuz     sha256 $(awk '$2=="vmlinuz"{print $1}' "$OUT/SHA256SUMS")"
  echo "  initrd:  $1/initrd.img  sha256 $(awk '$2=="initrd.img"{print $1}' "$OUT/SHA256SUMS")"
  echo "  cmdline: console=ttyS0"
}

install_to() {
  local dir=$1
  mkdir -p "$dir"
  for f in vmlinuz initrd.img SHA256SUMS; do
    if ! cmp -s "$OUT/$f" "$dir/$f"; then
      cp "$OUT/$f" "$dir/$f.tmp.$$" && chmod 0644 "$dir/$f.tmp.$$" && mv -f "$dir/$f.tmp.$$" "$dir/$f"
    fi
  done
  chmod a+rx "$dir"
}

if [ "$FORCE" = 0 ] && [ -f "$OUT/.stamp" ] && [ "$(cat "$OUT/.stamp")" = "$STAMP" ] \
   && [ -f "$OUT/vmlinuz" ] && [ -f "$OUT/initrd.img" ] && [ -f "$OUT/SHA256SUMS" ] \
   && (cd "$OUT" && sha256sum --quiet -c SHA256SUMS >/dev/null 2>&1); then
  echo "build-testguest: cached (stamp ${STAMP:0:12})"
  if [ -n "$INSTALL_DIR" ]; then install_to "$INSTALL_DIR"; print_result "$INSTALL_DIR"; else print_result "$OUT"; fi
  exit 0
fi

mkdir -p "$OUT"
WORK=$(mktemp -d "$OUT/.build.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
R="$WORK/root"
mkdir -p "$R"/{bin,sbin,usr/bin,usr/sbin,etc/cirrus,etc/acpi/PWRF,proc,sys,dev,run,tmp,mnt/seed,root,var/run,usr/share/udhcpc,lib/modules}
chmod 1777 "$R/tmp"

# busybox + applet symlinks (each applet in the directory busybox itself installs it to).
cp "$BUSYBOX" "$R/bin/busybox"
"$BUSYBOX" --list-full | while read -r applet; do
  [ "$applet" = bin/busybox ] && continue
  dir=$(dirname "$applet")
  rel=$(case "$dir" in bin) echo busybox ;; sbin) echo ../bin/busybox ;; *) echo ../../bin/busybox ;; esac)
  mkdir -p "$R/$dir"
  ln -sf "$rel" "$R/$applet"
done

# Modules, decompressed (busybox insmod may not read .ko.xz/.ko.zst) under their relative paths.
: > "$R/etc/cirrus/modules.order"
for path in "${KOS[@]}"; do
  rel=${path#/lib/modules/$KVER/}
  dest="$R/lib/modules/${rel%.*}"          # strip .xz/.zst/.gz below; .ko stays .ko
  case "$path" in
    *.ko)     dest="$R/lib/modules/$rel"; mkdir -p "$(dirname "$dest")"; cp "$path" "$dest" ;;
    *.ko.xz)  mkdir -p "$(dirname "$dest")"; xz -dc "$path" > "$dest" ;;
    *.ko.zst) mkdir -p "$(dirname "$dest")"; zstd -qdc "$path" > "$dest" ;;
    *.ko.gz)  mkdir -p "$(dirname "$dest")"; gzip -dc "$path" > "$dest" ;;
    *) die "unexpected module file $path" ;;
  esac
  echo "${dest#"$R/lib/modules/"}" >> "$R/etc/cirrus/modules.order"
done

install -m 0755 "$SRC/init" "$R/init"
install -m 0755 "$SRC/udhcpc.script" "$R/usr/share/udhcpc/default.script"
install -m 0755 "$SRC/acpi-power" "$R/etc/acpi/PWRF/00000080"
printf 'root:x:0:0:root:/root:/bin/sh\n' > "$R/etc/passwd"
printf 'root:x:0:\n' > "$R/etc/group"
printf 'export PATH=/sbin:/bin:/usr/sbin:/usr/bin\nexport PS1="\\h:\\w# "\n' > "$R/etc/profile"
printf '127.0.0.1 localhost\n' > "$R/etc/hosts"
: > "$R/etc/resolv.conf"
printf 'kver=%s\nkernel_package=%s %s\nbusybox=%s\nstamp=%s\n' "$KVER" "$KPKG" "$KPKG_VERSION" "$BB_VERSION" "$STAMP" > "$R/etc/cirrus/build-info"
if [ "$(id -u)" = 0 ]; then
  mknod -m 0600 "$R/dev/console" c 5 1
  mknod -m 0666 "$R/dev/null" c 1 3
fi

# Reproducible archive: fixed mtimes, sorted names, no gzip timestamp.
find "$R" -exec touch -h -d @0 {} +
(cd "$R" && find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0 --reproducible) \
  | gzip -9 -n > "$WORK/initrd.img"

cp "$KERNEL" "$WORK/vmlinuz"
(cd "$WORK" && sha256sum vmlinuz initrd.img > SHA256SUMS)
chmod 0644 "$WORK/vmlinuz" "$WORK/initrd.img" "$WORK/SHA256SUMS"
for f in vmlinuz initrd.img SHA256SUMS; do mv -f "$WORK/$f" "$OUT/$f"; done
echo "$STAMP" > "$OUT/.stamp"
echo "build-testguest: built $(du -h "$OUT/initrd.img" | cut -f1) initrd"
if [ -n "$INSTALL_DIR" ]; then install_to "$INSTALL_DIR"; print_result "$INSTALL_DIR"; else print_result "$OUT"; fi
