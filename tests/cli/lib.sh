# Shared helpers for CLI tests (sourced).  ctest sets POSTURE (the CLI),
# POSTURE_SOURCE_DIR and POSTURE_TEST_TMP.
SRC=$POSTURE_SOURCE_DIR
TMP=$POSTURE_TEST_TMP
rm -rf "$TMP"
mkdir -p "$TMP"

# make_project DIR: a copy of the repository's maps and layers in DIR (made),
# the default map's shapes pointed at the repository's, as a user's project.
make_project() {
	mkdir -p "$1"
	cp -r "$SRC/maps" "$SRC/layers" "$1/"
	sed -i "s|^shapes *=.*|shapes = $SRC/shapes|" "$1/maps/central-asia.ini"
}

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

pass() {
	echo "ok"
	exit 0
}

# run STATUS CMD...: run CMD, keep stdout/stderr in $TMP/out and $TMP/err,
# fail unless it exits with STATUS.
run() {
	want=$1
	shift
	set +e
	"$@" >"$TMP/out" 2>"$TMP/err"
	got=$?
	set -e
	if [ "$got" -ne "$want" ]; then
		echo "command: $*" >&2
		cat "$TMP/out" "$TMP/err" >&2
		fail "exit status $got, want $want"
	fi
}

# expect_err TEXT: stderr of the last run contains TEXT.
expect_err() {
	grep -qF -- "$1" "$TMP/err" || { cat "$TMP/err" >&2; fail "stderr lacks: $1"; }
}

# stop_cleanly PID WHAT: Ctrl-C a background posture (watch, serve) and
# require it to exit with status 0.
stop_cleanly() {
	kill -INT "$1"
	set +e
	wait "$1"
	_status=$?
	set -e
	trap - EXIT
	[ "$_status" -eq 0 ] || fail "Ctrl-C: $2 exited with status $_status, want 0"
}

# wait_for N TEXT: until $TMP/log has N lines containing TEXT (30 s at most),
# while the background posture $pid (watch) runs; its output is shown on failure.
wait_for() {
	_i=0
	while [ "$(grep -cF -- "$2" "$TMP/log" || true)" -lt "$1" ]; do
		_i=$((_i + 1))
		[ $_i -le 300 ] || { cat "$TMP/log" "$TMP/errlog" >&2; fail "no ${1}th '$2' in the log"; }
		kill -0 "$pid" 2>/dev/null || { cat "$TMP/log" "$TMP/errlog" >&2; fail "watch ended"; }
		sleep 0.1
	done
}
