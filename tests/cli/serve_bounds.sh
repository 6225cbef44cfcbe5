#!/bin/sh
# posture serve's bounds (issue 14): it listens on 127.0.0.1 only (the kernel's
# socket table says so, and the machine's other addresses refuse the port);
# it answers only GET and HEAD of its own paths (404 to /../ and the like,
# 405 to other methods, 403 to a foreign Host); a 1 MB request line is refused
# without harm; slow clients do not stall it (serve_bounds.py).  Then the
# usage errors, and a port in use is an I/O error naming the address.
set -eu
. "$(dirname "$0")/lib.sh"
cd "$TMP"

"$POSTURE" serve "$SRC/maps/central-asia.ini" --port 0 > log 2> errlog &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
i=0
until grep -q '^http://127\.0\.0\.1:[0-9]*/$' log; do
	i=$((i + 1))
	[ $i -le 600 ] || { cat log errlog >&2; fail "serve printed no URL"; }
	kill -0 $pid 2>/dev/null || { cat log errlog >&2; fail "serve ended"; }
	sleep 0.1
done
url=$(grep '^http://' log)
port=${url#http://127.0.0.1:}
port=${port%/}

# Listening sockets of that port, from /proc/net/tcp and tcp6 (state 0A):
# exactly one, on 127.0.0.1 (0100007F).
hex=$(printf '%04X' "$port")
awk -v p=":$hex" '$4 == "0A" && substr($2, length($2) - 4) == p { print $2 }' \
	/proc/net/tcp /proc/net/tcp6 > listening.txt
[ "$(cat listening.txt)" = "0100007F:$hex" ] ||
	{ cat listening.txt >&2; fail "serve listens on more than 127.0.0.1:$port"; }
for addr in $(hostname -I 2>/dev/null || true); do
	case $addr in 127.*|::1) continue ;; esac
	python3 -c 'import socket, sys
try:
    socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=3)
except OSError:
    sys.exit(0)
sys.exit(1)' "$addr" "$port" || fail "port $port answers on $addr"
done

python3 "$SRC/tests/cli/serve_bounds.py" "$url" || fail "serve_bounds.py"

# A second server on the same port: an I/O error naming the address, said
# before any render (not after the map is drawn).
run 3 "$POSTURE" serve "$SRC/maps/central-asia.ini" --port "$port"
expect_err "cannot listen on 127.0.0.1:$port"
! grep -q 'drawn' "$TMP/out" "$TMP/err" || fail "serve drew the map before saying the port is in use"

stop_cleanly $pid serve

run 2 "$POSTURE" serve
expect_err "which map?"
run 2 "$POSTURE" serve "$SRC/maps/central-asia.ini" --port 70000
expect_err "--port wants a number from 0 to 65535"
run 2 "$POSTURE" serve a.ini b.ini
expect_err "one map at a time"
run 2 "$POSTURE" serve "$SRC/maps/central-asia.ini" --bind 0.0.0.0
expect_err "unknown option '--bind'"
run 2 "$POSTURE" watch
expect_err "which map?"
pass
