#!/bin/sh
# rootfs.sh ROOTFS UID: the rest of the image's FROM scratch root once install-app.sh has filled ROOTFS/app
# (Dockerfile; deploy/image/size.mjs builds the same tree): the Node binary that runs this script, at
# /usr/local/bin/node, with every shared library ldd says it or a native addon loads (so a Debian-packaged
# Node, linked against libnode, libuv, ICU and OpenSSL, works as well as the official build), /etc/passwd
# and /etc/group naming UID, and the two writable places: /data (owned by UID; the data volume) and /tmp
# (mode 1777). Everything else stays root's and read-only to UID, with or without a read-only root.
set -eu
root=$1
uid=$2
node=$(command -v node)
mkdir -p "$root/usr/local/bin" "$root/etc" "$root/data" "$root/tmp"
cp -L "$node" "$root/usr/local/bin/node"
# ldd prints "libfoo.so => /path (0x...)" and the loader as "/lib64/ld-linux-x86-64.so.2 (0x...)". Native addons
# in the app (libSQL's links librt, which Node does not) need theirs too; a musl build beside the glibc one does
# not load here and lists nothing that exists, so only existing files are copied.
for binary in "$node" $(find "$root/app" -name '*.node' -type f 2>/dev/null); do
  for lib in $(ldd "$binary" 2>/dev/null | grep -o '/[^ ]*'); do
    if [ -f "$lib" ]; then cp -L --parents "$lib" "$root"; fi
  done
done
printf 'root:x:0:0::/:/nonexistent\nnexora:x:%s:%s::/data:/nonexistent\n' "$uid" "$uid" >"$root/etc/passwd"
printf 'root:x:0:\nnexora:x:%s:\n' "$uid" >"$root/etc/group"
chmod 1777 "$root/tmp"
# chown needs root: a build runs as root; the size check as another user measures the same bytes.
chown "$uid:$uid" "$root/data" 2>/dev/null || true
