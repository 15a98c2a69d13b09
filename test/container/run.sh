#!/usr/bin/env bash
# The container test: builds the image from the repository's Dockerfile with podman,
# starts it on SQLite and on this machine's MariaDB (127.0.0.1:3306), pays a payment
# through each (operator API: a merchant; merchant API: create + confirm with the
# sandbox test card, captured), and stops each with SIGTERM (podman stop), expecting a
# graceful exit 0.
#
# No container registry is reachable in CI, so the base image is made here: Debian
# bookworm (mmdebstrap, minbase) plus this machine's Node.js and npm
# (test/container/base-image.sh), passed as the Dockerfile's BASE_IMAGE. podman runs
# rootful with vfs storage, runc and cgroupfs, in its own storage under $work, with
# default_ulimits = [] (containers.conf) and the host network.
#
# Installs podman, runc and mmdebstrap with apt-get when missing.
# Env: TENDER_CONTAINER_WORK (default /var/tmp/tender-container-test),
#      TENDER_CONTAINER_KEEP=1 keeps the images and storage for the next run,
#      TENDER_CONTAINER_IMAGE=<built image> skips the build and tests that image.
set -euo pipefail
cd "$(dirname "$0")/../.."

t0=$(date +%s)
lap() { echo "== container test: $* (+$(($(date +%s) - t0)) s)"; }
fail() { echo "container test FAILED: $*" >&2; exit 1; }

missing=()
for tool in podman runc mmdebstrap; do command -v "$tool" >/dev/null 2>&1 || missing+=("$tool"); done
if [ "${#missing[@]}" -gt 0 ]; then
  lap "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends podman runc mmdebstrap >/dev/null
fi

work="${TENDER_CONTAINER_WORK:-/var/tmp/tender-container-test}"
mkdir -p "$work"
printf '[containers]\ndefault_ulimits = []\n' >"$work/containers.conf"
export CONTAINERS_CONF="$work/containers.conf"
PODMAN="podman --root $work/storage --runroot $work/run --storage-driver vfs --runtime runc --cgroup-manager cgroupfs"
export PODMAN
pm() { $PODMAN "$@"; }

base="localhost/tender-base:bookworm-node$(node -p 'process.versions.node.split(".")[0]')"
image="${TENDER_CONTAINER_IMAGE:-localhost/tender:test}"
db="tender_ctr_$(date +%s)_$$"
containers=()
cleanup() {
  for c in "${containers[@]}"; do pm rm -f -v "$c" >/dev/null 2>&1 || true; done
  mysql --protocol=tcp -h127.0.0.1 -uroot -e "DROP DATABASE IF EXISTS \`${db}\`" >/dev/null 2>&1 || true
  if [ -z "${TENDER_CONTAINER_KEEP:-}" ]; then
    pm rmi -a -f >/dev/null 2>&1 || true
    rm -rf "$work"
    lap "removed its podman storage (${work})"
  fi
}
trap cleanup EXIT

if [ -z "${TENDER_CONTAINER_IMAGE:-}" ]; then
  if ! pm image exists "$base"; then
    lap "base image ${base}: Debian bookworm minbase + node $(node --version)"
    test/container/base-image.sh "$base" "$work"
  fi
  # --layers=false: one commit per stage instead of one per instruction; with vfs every
  # commit copies the whole file system, which was most of the build's time (the
  # Dockerfile has two stages for the same reason).
  lap "building ${image} (Dockerfile, BASE_IMAGE=${base})"
  pm build --layers=false --network=host --build-arg BASE_IMAGE="$base" -t "$image" -f Dockerfile . >"$work/build.log" 2>&1 \
    || { tail -50 "$work/build.log"; fail "podman build"; }
fi
lap "image ${image}: $(pm image inspect "$image" --format '{{.Size}}' | awk '{printf "%d MB", $1/1000000}')"

# The image as shipped: an unprivileged user, no TypeScript, no sources, no compiler.
[ "$(pm image inspect "$image" --format '{{.Config.User}}')" = "tender" ] || fail "the image does not run as the tender user"
pm run --rm --network=none --entrypoint /bin/sh "$image" -c '
  test "$(id -u)" != 0 || { echo "runs as root"; exit 1; }
  test ! -e /app/node_modules/typescript || { echo "typescript is installed"; exit 1; }
  test ! -e /app/core/src || { echo "sources are in the image"; exit 1; }
  ! command -v g++ >/dev/null || { echo "a compiler is in the image"; exit 1; }
' || fail "image contents"

master_key="$(node -e 'process.stdout.write(require("crypto").randomBytes(32).toString("base64"))')"
admin_token="adm_ctr_$(node -e 'process.stdout.write(require("crypto").randomBytes(16).toString("hex"))')"
# shellcheck source=../shell/gateway-api.sh
. test/shell/gateway-api.sh

# run_and_pay NAME PORT DATABASE_URL: start, check the config, pay, stop gracefully.
run_and_pay() {
  local name="$1" port="$2" url="$3" env=()
  env=(-e "PORT=${port}" -e "TENDER_MASTER_KEY=${master_key}" -e "TENDER_ADMIN_TOKEN=${admin_token}"
       -e "TENDER_PUBLIC_URL=http://127.0.0.1:${port}")
  [ -n "$url" ] && env+=(-e "DATABASE_URL=${url}")
  pm run --rm --network=host "${env[@]}" "$image" config check --connect >"$work/${name}-config.txt" 2>&1 \
    || { cat "$work/${name}-config.txt"; fail "${name}: tender config check"; }
  containers+=("tender-${name}-$$")
  pm run -d --name "tender-${name}-$$" --network=host "${env[@]}" "$image" >/dev/null
  GATEWAY_URL="http://127.0.0.1:${port}"
  wait_healthy || { pm logs "tender-${name}-$$" | tail -30; fail "${name}: the container did not become healthy"; }
  lap "${name}: up"
  MERCHANT_SECRET="$(new_merchant "$admin_token")"
  [ -n "$MERCHANT_SECRET" ] || fail "${name}: no merchant"
  local paid id
  paid="$(pay 1999 "container-${name}")" || fail "${name}: payment"
  id="${paid%% *}"
  [ "$(api "/v1/payments/${id}" "$MERCHANT_SECRET" | field status)" = "captured" ] || fail "${name}: ${id} not captured on read-back"
  lap "${name}: payment ${id} captured"
  pm stop -t 30 "tender-${name}-$$" >/dev/null
  local code
  code="$(pm inspect "tender-${name}-$$" --format '{{.State.ExitCode}}')"
  [ "$code" = "0" ] || { pm logs "tender-${name}-$$" | tail -30; fail "${name}: exit code ${code} after SIGTERM"; }
  pm logs "tender-${name}-$$" 2>&1 | grep -q '"msg":"stopped"' || fail "${name}: no graceful stop in the logs"
  lap "${name}: stopped by SIGTERM, exit 0"
}

# The README's trial: NODE_ENV=development, nothing else; the banner's demo payment is paid.
trial() {
  local name="tender-trial-$$" port=18860 key payment
  containers+=("$name")
  pm run -d --name "$name" --network=host -e NODE_ENV=development -e PORT="$port" "$image" >/dev/null
  GATEWAY_URL="http://127.0.0.1:${port}"
  wait_healthy || { pm logs "$name" | tail -30; fail "trial: the container did not become healthy"; }
  # The banner comes after the port opens (the demo merchant is made in between).
  for _ in $(seq 1 60); do pm logs "$name" 2>/dev/null | grep -q 'ready payment:' && break; sleep 0.5; done
  key="$(pm logs "$name" 2>/dev/null | sed -n 's/^ *test secret key: //p')"
  payment="$(pm logs "$name" 2>/dev/null | sed -n 's/^ *ready payment: *\(pay_[A-Za-z0-9]*\).*/\1/p')"
  [ -n "$key" ] && [ -n "$payment" ] || { pm logs "$name" | head -30; fail "trial: no demo merchant in the banner"; }
  [ "$(api "/v1/payments/${payment}/confirm" "$key" -d '{"payment_method":{"type":"card","card":{"number":"4242424242424242","exp_month":12,"exp_year":2035,"cvc":"123"}}}' | field status)" = "captured" ] \
    || fail "trial: the demo payment was not captured"
  pm stop -t 30 "$name" >/dev/null
  [ "$(pm inspect "$name" --format '{{.State.ExitCode}}')" = "0" ] || fail "trial: exit code after SIGTERM"
  lap "trial (NODE_ENV=development): demo payment ${payment} captured, stopped with exit 0"
}

trial
run_and_pay sqlite 18861 ""
mysql --protocol=tcp -h127.0.0.1 -uroot -e "CREATE DATABASE \`${db}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
run_and_pay mariadb 18862 "mysql://root@127.0.0.1:3306/${db}"

lap "OK"
