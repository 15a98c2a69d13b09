#!/usr/bin/env bash
# A throwaway 3-node MariaDB Galera cluster on loopback, for the cluster tests and benches.
#
#   test/galera/cluster.sh start        fresh cluster; returns when all 3 nodes are Synced,
#                                        prints the SQL ports (one per line)
#   test/galera/cluster.sh stop         stops every node and removes the data directories
#   test/galera/cluster.sh kill N       kill -9 node N (1..3), as a crash would
#   test/galera/cluster.sh rejoin N     restarts node N from its recovered position
#                                        (incremental state transfer); returns when Synced
#   test/galera/cluster.sh status       one line per node; exit 0 only if all 3 are Synced
#
# Environment:
#   GALERA_BASE_PORT  default 4310. Node n (1..3) listens for SQL on base+n, for group
#                     communication on base+100+n, for incremental state transfer on
#                     base+200+n and for rsync state transfer on base+300+n.
#   GALERA_DIR        default /tmp/tender-galera-$GALERA_BASE_PORT (data, sockets, logs).
#
# Clients connect as root without a password on 127.0.0.1 (e.g.
# mysql://root@127.0.0.1:4311/tender). The machine's own MariaDB (3306) is never touched:
# every mariadbd here reads only its own generated config (--defaults-file).
#
# Why the details: rsync state transfer only works when mariadbd runs as `user=mysql`
# (as root, the rsync daemon drops to nobody and cannot write the data directory); a
# node killed with -9 rejoins incrementally only when started with the position that
# `mariadbd --wsrep-recover` finds in its InnoDB logs (otherwise it asks for a full copy).
set -euo pipefail

BASE=${GALERA_BASE_PORT:-4310}
DIR=${GALERA_DIR:-/tmp/tender-galera-$BASE}
PROVIDER=${GALERA_PROVIDER:-/usr/lib/galera/libgalera_smm.so}
NODES=(1 2 3)

sql_port() { echo $((BASE + $1)); }
group_port() { echo $((BASE + 100 + $1)); }
ist_port() { echo $((BASE + 200 + $1)); }
sst_port() { echo $((BASE + 300 + $1)); }
node_dir() { echo "$DIR/node$1"; }
pid_of() { cat "$(node_dir "$1")/mariadbd.pid" 2>/dev/null || true; }
alive() { local p; p=$(pid_of "$1"); [ -n "$p" ] && kill -0 "$p" 2>/dev/null; }
die() { echo "cluster.sh: $*" >&2; exit 1; }

check_node() { case "${1:-}" in 1|2|3) ;; *) die "node must be 1, 2 or 3 (got '${1:-}')";; esac; }

# Runs SQL on node N through its socket as the operating system's root (unix_socket auth).
node_sql() {
  mariadb --no-defaults --socket="$(node_dir "$1")/mysqld.sock" -uroot -N -B -e "$2" 2>/dev/null
}

node_state() { node_sql "$1" "SHOW STATUS LIKE 'wsrep_local_state_comment'" | awk '{print $2}'; }

write_config() {
  local n=$1 d addresses
  d=$(node_dir "$n")
  addresses="127.0.0.1:$(group_port 1),127.0.0.1:$(group_port 2),127.0.0.1:$(group_port 3)"
  cat >"$d/my.cnf" <<EOF
[mysqld]
user=mysql
datadir=$d/data
socket=$d/mysqld.sock
pid-file=$d/mysqld.pid
port=$(sql_port "$n")
bind-address=127.0.0.1
skip-name-resolve
log-error=$d/error.log
# Galera needs row events, InnoDB and interleaved auto-increment locks.
binlog_format=ROW
default_storage_engine=InnoDB
innodb_autoinc_lock_mode=2
innodb_buffer_pool_size=96M
innodb_log_file_size=48M
# Durability comes from the other nodes holding every committed write set.
innodb_flush_log_at_trx_commit=2
performance_schema=OFF
max_connections=300
wsrep_on=ON
wsrep_provider=$PROVIDER
wsrep_cluster_name=tender-galera-$BASE
wsrep_cluster_address=gcomm://$addresses
wsrep_node_name=node$n
wsrep_node_address=127.0.0.1:$(group_port "$n")
wsrep_provider_options="gmcast.listen_addr=tcp://127.0.0.1:$(group_port "$n");ist.recv_addr=127.0.0.1:$(ist_port "$n");gcache.size=256M"
wsrep_sst_method=rsync
wsrep_sst_receive_address=127.0.0.1:$(sst_port "$n")
wsrep_slave_threads=2
EOF
}

# Starts mariadbd for node N in the background with extra options; records its pid.
launch() {
  local n=$1 d
  shift
  d=$(node_dir "$n")
  setsid mariadbd --defaults-file="$d/my.cnf" "$@" >>"$d/stdout.log" 2>&1 </dev/null &
  echo $! >"$d/mariadbd.pid"
}

wait_synced() {
  local n=$1 limit=${2:-180}
  for _ in $(seq 1 $((limit * 2))); do
    alive "$n" || die "node $n exited while starting; see $(node_dir "$n")/error.log"
    [ "$(node_state "$n" || true)" = "Synced" ] && return 0
    sleep 0.5
  done
  die "node $n not Synced after ${limit}s; see $(node_dir "$n")/error.log"
}

init_node() {
  local n=$1 d
  d=$(node_dir "$n")
  mkdir -p "$d/data"
  write_config "$n"
  mariadb-install-db --no-defaults --user=mysql --datadir="$d/data" \
    --auth-root-authentication-method=socket --skip-test-db >"$d/install.log" 2>&1 \
    || die "mariadb-install-db failed for node $n; see $d/install.log"
  chown -R mysql:mysql "$d"
}

cmd_start() {
  for n in "${NODES[@]}"; do alive "$n" && die "node $n is already running (pid $(pid_of "$n")); stop first"; done
  [ -r "$PROVIDER" ] || die "no Galera provider at $PROVIDER (apt-get install -y galera-4 rsync)"
  command -v rsync >/dev/null || die "rsync is missing (apt-get install -y rsync)"
  rm -rf "$DIR"
  mkdir -p "$DIR"
  chmod 755 "$DIR"
  for n in "${NODES[@]}"; do init_node "$n"; done
  launch 1 --wsrep-new-cluster
  wait_synced 1
  # TCP clients (Tender, tests): root from loopback without a password. DDL replicates.
  node_sql 1 "CREATE USER IF NOT EXISTS 'root'@'127.0.0.1'; GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;" \
    || die "could not create root@127.0.0.1 on node 1"
  # One joiner at a time: a donor serves one full state transfer at once.
  for n in 2 3; do
    launch "$n"
    wait_synced "$n"
  done
  for n in "${NODES[@]}"; do sql_port "$n"; done
}

stop_node() {
  local n=$1 p
  p=$(pid_of "$n")
  [ -n "$p" ] || return 0
  if kill -0 "$p" 2>/dev/null; then
    kill -TERM "$p" 2>/dev/null || true
    for _ in $(seq 1 120); do kill -0 "$p" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$p" 2>/dev/null && kill -KILL "$p" 2>/dev/null || true
  fi
  rm -f "$(node_dir "$n")/mariadbd.pid"
}

cmd_stop() {
  # Joiners first, so the last node leaves a clean, bootstrappable state behind.
  for n in 3 2 1; do stop_node "$n"; done
  for n in "${NODES[@]}"; do rm -rf "$(node_dir "$n")/data"; done
}

cmd_kill() {
  check_node "$1"
  local p
  p=$(pid_of "$1")
  alive "$1" || die "node $1 is not running"
  kill -KILL "$p"
  for _ in $(seq 1 40); do kill -0 "$p" 2>/dev/null || break; sleep 0.25; done
  rm -f "$(node_dir "$1")/mysqld.sock"
  echo "killed node $1 (pid $p)"
}

cmd_rejoin() {
  check_node "$1"
  local n=$1 d position
  d=$(node_dir "$n")
  alive "$n" && die "node $n is running"
  [ -d "$d/data" ] || die "node $n has no data directory (start the cluster first)"
  # Recover the last committed position from InnoDB, so the node asks for the missing
  # write sets only (IST) instead of a full copy of the data directory.
  mariadbd --defaults-file="$d/my.cnf" --wsrep-recover --log-error="$d/recover.log" >/dev/null 2>&1 || true
  position=$(grep -o 'Recovered position: [^ ]*' "$d/recover.log" | tail -1 | awk '{print $3}')
  [ -n "$position" ] || die "no recovered position for node $n; see $d/recover.log"
  launch "$n" --wsrep-start-position="$position"
  wait_synced "$n"
  echo "node $n rejoined from $position"
}

cmd_status() {
  local all=0 state size
  for n in "${NODES[@]}"; do
    if alive "$n"; then
      state=$(node_state "$n" || true)
      size=$(node_sql "$n" "SHOW STATUS LIKE 'wsrep_cluster_size'" | awk '{print $2}' || true)
      echo "node $n port $(sql_port "$n") pid $(pid_of "$n") state ${state:-unknown} cluster_size ${size:-?}"
      [ "$state" = "Synced" ] || all=1
    else
      echo "node $n port $(sql_port "$n") down"
      all=1
    fi
  done
  return $all
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  kill) cmd_kill "${2:-}" ;;
  rejoin) cmd_rejoin "${2:-}" ;;
  status) cmd_status ;;
  *) die "usage: $0 start|stop|kill N|rejoin N|status" ;;
esac
