# pg-server.sh — a throwaway PostgreSQL + PostGIS server for one test or
# benchmark run (sourced; POSIX sh).
#
#   pg_start DIR    initdb in DIR/data (as the user postgres: the server
#                   refuses to run as root), start it on 127.0.0.1 at a free
#                   port with its unix socket in DIR, create the database
#                   posture with PostGIS; export PGHOST, PGPORT, PGUSER,
#                   PGDATABASE for libpq and psql.  A trap stops it on exit.
#   pg_stop         stop it (also run by the trap).
#   pg_sql SQL      run SQL with psql (stop at the first error).
#
# The server listens on the loopback address only, with trust authentication
# for local connections, and never reaches anything else.
PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}

pg_as() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

pg_stop() {
	if [ -n "${PG_DIR:-}" ] && [ -f "$PG_DIR/data/postmaster.pid" ]; then
		pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
	fi
}

pg_start() {
	[ -x "$PG_BIN/initdb" ] || { echo "FAIL: PostgreSQL server binaries (Debian postgresql) are needed" >&2; exit 1; }
	PG_DIR=$1
	mkdir -p "$PG_DIR"
	chmod 755 "$PG_DIR"
	[ "$(id -u)" -ne 0 ] || chown postgres "$PG_DIR"
	pg_as "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
		>"$PG_DIR/initdb.log" 2>&1 || { cat "$PG_DIR/initdb.log" >&2; exit 1; }
	PGPORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	trap pg_stop EXIT
	pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 start \
		-o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PG_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=64MB -c max_connections=20" \
		>/dev/null || { cat "$PG_DIR/server.log" >&2; exit 1; }
	PGHOST=127.0.0.1 PGUSER=postgres PGDATABASE=postgres
	export PGHOST PGPORT PGUSER PGDATABASE
	psql -qX -v ON_ERROR_STOP=1 -c "CREATE DATABASE posture" >/dev/null
	PGDATABASE=posture
	pg_sql "CREATE EXTENSION postgis"
}

pg_sql() {
	psql -qX -v ON_ERROR_STOP=1 -c "$1" >/dev/null
}
