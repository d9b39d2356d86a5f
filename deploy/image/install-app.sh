#!/bin/sh
# install-app.sh TARBALL APPDIR [EXTRA_PEER...]: the app tree of the container image (Dockerfile) and of
# the size check (deploy/image/size.mjs), by the same steps. The packed package is unpacked as the app
# itself (bin/nexora.mjs then runs dist/), the server's optional peers become dependencies at the versions
# package-lock.json pins (server-peers.mjs), and npm installs production dependencies only, from that lock.
# `npm install`, not `npm ci`: adding the peers changes package.json, and `npm ci` refuses a lock that
# no longer matches it; the lock still decides every version.
set -eu
tarball=$1
app=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
lock=$here/../../package-lock.json
mkdir -p "$app"
tar -xzf "$tarball" -C "$app" --strip-components=1
cp "$lock" "$app/package-lock.json"
cd "$app"
node "$here/server-peers.mjs" "$@"
npm install --omit=dev --ignore-scripts --no-audit --no-fund --no-update-notifier --loglevel=error
# Nothing at run time reads the lock or npm's manifests of the app itself.
rm -f package-lock.json node_modules/.package-lock.json
