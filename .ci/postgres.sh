#!/usr/bin/env bash
# A throw-away PostgreSQL server for tests: its own data directory and port on 127.0.0.1,
# run as a non-root user, with database, user and password all "callengine".
#
#   .ci/postgres.sh start DIR PORT   # initdb DIR (if new), start, wait until it answers
#   .ci/postgres.sh stop DIR
#
# Prints the JDBC URL on start. Needs Debian's postgresql package (initdb, pg_ctl under
# /usr/lib/postgresql/<version>/bin).
set -euo pipefail

cmd=${1:?start|stop}; dir=${2:?data directory}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[[ -x "$bin/initdb" ]] || { echo "postgres.sh: no PostgreSQL server (apt-get install postgresql)" >&2; exit 1; }

# PostgreSQL refuses to run as root: as root, the server runs as the postgres user.
as_owner() {
  if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$cmd" in
  start)
    port=${3:?port}
    mkdir -p "$dir"
    if [[ $(id -u) == 0 ]]; then chown postgres "$dir"; chmod a+x "$(dirname "$dir")"; fi
    if [[ ! -f "$dir/PG_VERSION" ]]; then
      pwfile=$(mktemp); echo callengine >"$pwfile"; chmod 644 "$pwfile"
      as_owner "$bin/initdb" -D "$dir" -U callengine --pwfile="$pwfile" -A scram-sha-256 >"$dir.initdb.log" 2>&1 \
        || { cat "$dir.initdb.log" >&2; exit 1; }
      rm -f "$pwfile"
    fi
    as_owner "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 \
      -o "-h 127.0.0.1 -p $port -k $dir -c fsync=off -c max_connections=200" start >/dev/null
    for _ in $(seq 1 100); do
      if PGPASSWORD=callengine psql -h 127.0.0.1 -p "$port" -U callengine -d postgres -qtAc "select 1" >/dev/null 2>&1; then break; fi
      sleep 0.2
    done
    PGPASSWORD=callengine psql -h 127.0.0.1 -p "$port" -U callengine -d postgres -qtAc \
      "select 1 from pg_database where datname='callengine'" | grep -q 1 \
      || PGPASSWORD=callengine psql -h 127.0.0.1 -p "$port" -U callengine -d postgres -qc "create database callengine" >/dev/null
    echo "jdbc:postgresql://127.0.0.1:$port/callengine"
    ;;
  stop)
    [[ -f "$dir/postmaster.pid" ]] && as_owner "$bin/pg_ctl" -D "$dir" -m fast -w stop >/dev/null || true
    ;;
  *) echo "usage: $0 start DIR PORT | stop DIR" >&2; exit 2 ;;
esac
