#!/usr/bin/env bash
# Builds a Debian bookworm (minbase) root file system with this machine's Node.js and npm,
# and imports it into podman as the image named $1: the Dockerfile's BASE_IMAGE when no
# registry is reachable (CI). Needs mmdebstrap and podman (test/container/run.sh installs them).
set -euo pipefail
image="$1"
work="$2"
node_bin="$(command -v node)"
# npm's own package directory, wherever this machine's npm lives.
npm_dir="$(cd "$(dirname "$(readlink -f "$(command -v npm)")")/.." && pwd)"
node_include="$(dirname "$(dirname "$node_bin")")/include/node"

hooks=(
  --customize-hook="mkdir -p \"\$1/usr/local/lib/node_modules\" \"\$1/usr/local/include\""
  --customize-hook="copy-in $node_bin /usr/local/bin"
  --customize-hook="copy-in $npm_dir /usr/local/lib/node_modules"
  --customize-hook="ln -sf ../lib/node_modules/npm/bin/npm-cli.js \"\$1/usr/local/bin/npm\""
  --customize-hook="ln -sf ../lib/node_modules/npm/bin/npx-cli.js \"\$1/usr/local/bin/npx\""
)
# The machine's trust store: where an egress proxy re-signs TLS, npm inside the build
# must trust what npm outside trusts. The local CAs go where Debian's
# update-ca-certificates finds them again when the build installs ca-certificates.
hooks+=(--customize-hook="mkdir -p \"\$1/etc/ssl/certs\" \"\$1/usr/local/share/ca-certificates\"")
hooks+=(--customize-hook="copy-in /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs")
for ca in /usr/local/share/ca-certificates/*.crt; do
  if [ -e "$ca" ]; then hooks+=(--customize-hook="copy-in $ca /usr/local/share/ca-certificates"); fi
done
# Node's headers, so node-gyp (better-sqlite3 without a prebuilt binary) downloads nothing.
if [ -d "$node_include" ]; then
  hooks+=(--customize-hook="copy-in $node_include /usr/local/include")
fi

mmdebstrap --quiet --variant=minbase "${hooks[@]}" bookworm "$work/rootfs.tar"
${PODMAN:-podman} import --change 'CMD ["/bin/bash"]' --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' "$work/rootfs.tar" "$image" >/dev/null
rm -f "$work/rootfs.tar"
