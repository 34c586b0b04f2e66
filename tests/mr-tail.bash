# Helpers of the mr-tail bats files (tests/mr-tail*.bats).

# tail_bg ARGS...: mr-tail in the background, appending to out and err.
tail_bg() {
	mr-tail ${POLL:+--poll "$POLL"} "$@" >>out 2>>err 3>&- &
	TPID=$!
}

# tail_stop: stop it cleanly (SIGTERM checkpoints and exits).
tail_stop() {
	kill -TERM "$TPID" 2>/dev/null || true
	WAIT_SECONDS=10 wait_for gone "$TPID"
	wait "$TPID" 2>/dev/null || true
	TPID=
}
gone() { ! kill -0 "$1" 2>/dev/null || [[ $(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null) == Z ]]; }

teardown() {
	[[ -z ${TPID-} ]] || kill -9 "$TPID" 2>/dev/null || true
	[[ -z ${WPID-} ]] || kill -9 "$WPID" 2>/dev/null || true
}

has_line() { grep -qxF -- "$1" out 2>/dev/null; }
has_lines() { [[ -f out ]] && (($(wc -l <out) >= $1)); }
# tail_ready FILE ARGS...: write a "ready" line, follow from the start,
# and wait until it is printed (the watches are then in place).
tail_ready() {
	local f=$1
	shift
	echo ready >>"$f"
	tail_bg -b "$@" "$f"
	wait_for has_line ready
}
# counters LINES LOST_BYTES EST_LOST_LINES KNOWN UNKNOWN: the counter lines
# mr-tail -v writes at the end.
counters() {
	printf 'mr-tail: counter mr-tail,%s\n' "input lines: $1" "lost bytes: $2" \
	    "estimated lost lines: $3" "known losses: $4" "unknown losses: $5"
}
# state_offset: the committed offset of the last file entry in st.
state_offset() { grep '^F C ' st | tail -n 1 | cut -d' ' -f6; }

# rotate [LOG]: a logrotate-style rename rotation of LOG (default log):
# LOG.N -> LOG.N+1 oldest first (compressed ones too), LOG -> LOG.1, and a
# new empty LOG.
rotate() {
	local log=${1:-log} n f
	for ((n = 20; n >= 1; n--)); do
		for f in "$log.$n" "$log.$n".gz "$log.$n".bz2 "$log.$n".xz "$log.$n".zst; do
			[[ -e $f ]] && mv "$f" "$log.$((n + 1))${f#"$log.$n"}"
		done
	done
	mv "$log" "$log.1"
	: >"$log"
}

# copytruncate [LOG]: logrotate's copytruncate: the numbered copies move
# up, LOG is copied to LOG.1 and truncated in place.
copytruncate() {
	local log=${1:-log} n
	for ((n = 20; n >= 1; n--)); do
		[[ -e $log.$n ]] && mv "$log.$n" "$log.$((n + 1))"
	done
	cp "$log" "$log.1"
	: >"$log"
}

# increasing FILE: the numbers starting FILE's lines only grow.
increasing() { mawk 'NR > 1 && $1 + 0 <= p { exit 1 } { p = $1 + 0 }' "$1"; }

# commas N: N with a comma every three digits, as mr-tail names byte counts.
commas() { sed -E ':a;s/^([0-9]+)([0-9]{3})/\1,\2/;ta' <<<"$1"; }
