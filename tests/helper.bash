# Common set-up of every bats file: the programs under test first on PATH,
# the C locale, and a private temporary directory per test.
MR_ROOT="$(cd "$BATS_TEST_DIRNAME/.." && pwd)"
PATH="${MR_BIN:-$MR_ROOT/bin}:$MR_ROOT/scripts:$PATH"
MR_TOOLS="${MR_TOOLS:-$MR_ROOT/build/obj/tools}"
export PATH MR_TOOLS LC_ALL=C
unset mapreduce_task_id mapred_task_id
TAB=$'\t'
cd "$BATS_TEST_TMPDIR" || exit 1

# wait_for CMD...: run CMD every 20 ms until it succeeds; fail after
# ${WAIT_SECONDS:-20} seconds.  Timing tests wait for conditions, never sleep
# a fixed time and hope.
wait_for() {
	local deadline=$((SECONDS + ${WAIT_SECONDS:-20}))
	until "$@"; do
		if ((SECONDS >= deadline)); then
			echo "timed out waiting for: $*" >&2
			return 1
		fi
		sleep 0.02
	done
}

# has_tool NAME: skip the test when a reference tool is missing.
need_tool() {
	command -v "$1" >/dev/null 2>&1 || skip "$1 is not installed"
}

# into_closed_pipe CMD...: run CMD with its standard output a pipe whose
# reader has already gone (the reader closes its end, then lets CMD start),
# so the first write fails for certain; prints CMD's stderr and then
# "status N".
into_closed_pipe() {
	local go=$BATS_TEST_TMPDIR/closed-pipe.$$ status
	rm -f "$go" && mkfifo "$go" || return 1
	{ read -r <"$go"; "$@" 2>"$go.err"; echo $? >"$go.status"; } |
	    { exec <&-; echo >"$go"; }
	cat "$go.err"
	echo "status $(cat "$go.status")"
	rm -f "$go" "$go.err" "$go.status"
}

# stop_after_input SIG INPUT CMD...: run CMD reading a FIFO (its stdout in
# "out", its stderr in "err"), write INPUT to it, wait until CMD has
# written output (it flushes when its input pauses: INPUT was read), then
# send SIG; sets $status to CMD's exit status.  (A background job of a
# script ignores SIGINT, and so does everything a suite run in the
# background starts, which no trap can undo: env gives CMD the defaults.)
stop_after_input() {
	local sig=$1 input=$2 pid
	shift 2
	rm -f fifo out err
	mkfifo fifo
	set -m
	env --default-signal=INT,TERM "$@" <fifo >out 2>err &
	pid=$!
	set +m
	exec 7>fifo
	printf '%b' "$input" >&7
	wait_for test -s out
	kill -"$sig" "$pid"
	status=0
	wait "$pid" || status=$?
	exec 7>&-
}
