#!/usr/bin/env bash
# The restore drill of docs/operations.md, run for real on MariaDB:
#   1. payments through a running gateway (batch A);
#   2. a full dump (mariadb-dump --single-transaction --master-data=2), and the master key kept apart;
#   3. more payments (batch B), then the disaster: DROP DATABASE;
#   4. restore: the dump, then the binary log from the dump's position up to the
#      statement before the disaster (found in the binary log, as an operator would);
#   5. a gateway on the restored database, with the master key from the backup, answers
#      for all of A and B, captured, with their amounts, and takes a new payment.
#
# It runs its own throwaway mariadbd (own datadir, binary log on, a loopback port), so
# the machine's MariaDB on 3306 is never touched, whatever its log_bin setting.
# Needs: mariadbd, mariadb-install-db, mariadb, mariadb-dump, mariadb-binlog, curl,
# node, and a built gateway (npm run build). Usage: test/restore-drill/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

port="${DRILL_DB_PORT:-3399}"
gw_port="${DRILL_GATEWAY_PORT:-18790}"
work="$(mktemp -d /tmp/tender-restore-drill.XXXXXX)"
db_pid=""
gw_pid=""
cleanup() {
  [ -n "$gw_pid" ] && kill "$gw_pid" 2>/dev/null && wait "$gw_pid" 2>/dev/null
  [ -n "$db_pid" ] && kill "$db_pid" 2>/dev/null && wait "$db_pid" 2>/dev/null
  [ -n "${DRILL_KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT
step() { echo "== restore drill: $*"; }
fail() { echo "restore drill FAILED: $*" >&2; exit 1; }
sql() { mariadb --protocol=tcp -h127.0.0.1 -P"$port" -uroot "$@"; }
GATEWAY_URL="http://127.0.0.1:${gw_port}"
# shellcheck source=../shell/gateway-api.sh
. test/shell/gateway-api.sh

step "a throwaway MariaDB on 127.0.0.1:${port} with binary logging (datadir ${work}/db)"
mariadb-install-db --no-defaults --datadir="$work/db" --user="$(id -un)" --auth-root-authentication-method=normal --skip-test-db >"$work/install-db.log" 2>&1 \
  || { cat "$work/install-db.log"; fail "mariadb-install-db"; }
mariadbd --no-defaults --datadir="$work/db" --user="$(id -un)" --bind-address=127.0.0.1 --port="$port" \
  --socket="$work/mariadb.sock" --pid-file="$work/mariadb.pid" \
  --log-bin="$work/db/binlog" --binlog-format=ROW --server-id=1 \
  --skip-name-resolve --innodb-buffer-pool-size=64M >"$work/mariadbd.log" 2>&1 &
db_pid=$!
for _ in $(seq 1 60); do
  mariadb-admin --protocol=tcp -h127.0.0.1 -P"$port" -uroot ping >/dev/null 2>&1 && break
  kill -0 "$db_pid" 2>/dev/null || { cat "$work/mariadbd.log"; fail "mariadbd did not start"; }
  sleep 0.5
done
[ "$(sql -N -e "SELECT @@log_bin")" = "1" ] || fail "binary logging is off on the drill server"
sql -e "CREATE DATABASE tender CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"

master_key="$(node -e 'process.stdout.write(require("crypto").randomBytes(32).toString("base64"))')"
admin_token="adm_drill_$(node -e 'process.stdout.write(require("crypto").randomBytes(16).toString("hex"))')"
mkdir -p "$work/backup"
# The master key is backed up apart from the dump: the dump alone reads no card data.
printf '%s\n' "$master_key" >"$work/backup/master.key"
chmod 600 "$work/backup/master.key"

start_gateway() {
  TENDER_MASTER_KEY="$1" TENDER_ADMIN_TOKEN="$admin_token" DATABASE_URL="mysql://root@127.0.0.1:${port}/tender" \
    TENDER_DATA_DIR="$work/data" TENDER_DEMO_MERCHANT=false PORT="$gw_port" HOST=127.0.0.1 TENDER_LOG_LEVEL=warn \
    node core/dist/main.js start >"$work/gateway.log" 2>&1 &
  gw_pid=$!
  wait_healthy "$gw_pid" || { cat "$work/gateway.log"; fail "the gateway did not start"; }
}
stop_gateway() {
  kill -TERM "$gw_pid"
  wait "$gw_pid" || fail "the gateway did not stop cleanly (exit $?)"
  gw_pid=""
}
step "gateway on the drill database; a merchant; batch A"
start_gateway "$master_key"
MERCHANT_SECRET="$(new_merchant "$admin_token")"
[ -n "$MERCHANT_SECRET" ] || fail "merchant not created"
: >"$work/expected"
for i in 1 2 3; do pay $((1000 * i + 1)) "A-${i}" >>"$work/expected" || fail "batch A"; done

step "full dump (single transaction, binary log position recorded, logs flushed)"
mariadb-dump --protocol=tcp -h127.0.0.1 -P"$port" -uroot --single-transaction --flush-logs --master-data=2 \
  --routines --events --triggers --databases tender >"$work/backup/tender-full.sql"
binlog_file="$(sed -n "s/^-- CHANGE MASTER TO MASTER_LOG_FILE='\([^']*\)', MASTER_LOG_POS=\([0-9]*\);/\1/p" "$work/backup/tender-full.sql")"
binlog_pos="$(sed -n "s/^-- CHANGE MASTER TO MASTER_LOG_FILE='\([^']*\)', MASTER_LOG_POS=\([0-9]*\);/\2/p" "$work/backup/tender-full.sql")"
[ -n "$binlog_file" ] && [ -n "$binlog_pos" ] || fail "the dump records no binary log position"
echo "   dump: $(wc -c <"$work/backup/tender-full.sql") bytes, binary log from ${binlog_file}:${binlog_pos}"

step "batch B after the dump (only the binary log has it)"
for i in 1 2; do pay $((2000 * i + 7)) "B-${i}" >>"$work/expected" || fail "batch B"; done
stop_gateway

step "the disaster: DROP DATABASE tender"
sql -e "DROP DATABASE tender"
sql -e "FLUSH BINARY LOGS"

step "find the disaster in the binary log"
# Every binary log from the dump's on, in order (the index lists them oldest first).
mapfile -t binlogs < <(sed -n "/$(basename "$binlog_file")/,\$p" "$work/db/binlog.index" | sed "s|^\./|$work/db/|; s|^\([^/]\)|$work/db/\1|")
[ "${#binlogs[@]}" -gt 0 ] || fail "no binary logs after ${binlog_file}"
drop_file="$(for f in "${binlogs[@]}"; do if mariadb-binlog "$f" | grep '^DROP DATABASE' >/dev/null; then echo "$f"; break; fi; done)"
[ -n "$drop_file" ] || fail "DROP DATABASE not found in the binary logs"
# (No early exit in these pipelines: with pipefail, a reader that stops first fails them.)
# `# at N` precedes each event. The replay stops where the DROP's event group begins:
# at its GTID event, the `# at` before the GTID line that precedes the statement.
drop_at="$(mariadb-binlog "$drop_file" | awk '/^# at [0-9]+/{at=$3} /^#[0-9]+ .*GTID/{group=at} /^DROP DATABASE/ && !found {print group; found=1}')"
[ -n "$drop_at" ] || fail "no event group found for DROP DATABASE"
echo "   DROP DATABASE in $(basename "$drop_file") at ${drop_at}"

step "restore: the dump, then the binary log from ${binlog_file}:${binlog_pos} to $(basename "$drop_file"):${drop_at}"
sql <"$work/backup/tender-full.sql"
replay=()
for f in "${binlogs[@]}"; do
  replay+=("$f")
  [ "$f" = "$drop_file" ] && break
done
# --start-position applies to the first file, --stop-position to the last.
mariadb-binlog --disable-log-bin --start-position="$binlog_pos" --stop-position="$drop_at" "${replay[@]}" | sql
rows="$(sql -N -e "SELECT COUNT(*) FROM tender.payments")"
[ "$rows" = "$(wc -l <"$work/expected")" ] || fail "restored ${rows} payments, expected $(wc -l <"$work/expected")"

step "gateway on the restored database with the master key from the backup"
start_gateway "$(cat "$work/backup/master.key")"
while read -r id amount; do
  got="$(api "/v1/payments/${id}" "$MERCHANT_SECRET")"
  [ "$(field status <<<"$got")" = "captured" ] || fail "${id} after restore: $got"
  [ "$(field amount <<<"$got")" = "$amount" ] || fail "${id} amount after restore: $got"
done <"$work/expected"
pay 777 "after-restore" >/dev/null || fail "no new payment after the restore"
stop_gateway

step "OK: $(wc -l <"$work/expected") payments restored (3 from the dump, 2 from the binary log), the disaster not replayed, a new payment taken"
