#!/usr/bin/env bats
# mr-tail under stress, shared/TAIL.md scenarios 38 and 41: kill -9 again
# and again while it writes long lines into a pipe with a slow reader (no
# line reaches the reader torn), and a burst of rotations with few file
# descriptors (no line lost).
bats_require_minimum_version 1.5.0
load helper
load mr-tail

# --- TAIL.md 38 (attack F2): scripts/kill-tail-pipe, a short run; it
# found 56 torn lines in 128 kills when the pipe's room was counted in
# bytes rather than page slots.
@test "kill -9 during writes of lines to 60,000 bytes into a slow pipe: no line torn" {
	run --separate-stderr kill-tail-pipe -t 3 -s 7
	[[ $status -eq 0 ]]
	[[ $output == *" torn=0 "* ]]
	[[ $output =~ \ kills=([0-9]+)\  ]] && ((BASH_REMATCH[1] > 0))
	[[ $output =~ \ distinct=([0-9]+)\  ]] && ((BASH_REMATCH[1] > 0))
}

# --- TAIL.md 41 (attack F14): 200 rotations in a burst, a line each, with
# 32 descriptors and rotated files kept open for a minute unless closed
# early: every line once, in order (dated names, so that the names tell
# the order of the generations found by a look).  Not yet true: polling
# loses, repeats and reorders lines every time the descriptors run out
# (about every 27 rotations, 10 runs of 10), and inotify lost one line in
# 2 of 8 runs on a loaded machine (0 of 15 otherwise), all without a word.
# The scenario 41 test that passes (rotations a line apart) is in
# mr-tail-chains.bats; these run with MR_TAIL_KNOWN_FAILURES=1.
s_burst_few_fds() {
	[[ -n ${MR_TAIL_KNOWN_FAILURES-} ]] ||
		skip "known loss (issue 16): a rotation burst with descriptors exhausted; MR_TAIL_KNOWN_FAILURES=1 runs it"
	echo 0 >log
	(ulimit -n 32 && exec mr-tail ${POLL:+--poll "$POLL"} -b --rotate-wait 60000 log \
	    >out 2>err 3>&-) &
	TPID=$!
	wait_for has_line 0
	local i n
	for ((i = 1; i <= 200; i++)); do
		printf -v n 'log-20261204-%06d' "$i"
		mv log "$n"
		echo "$i" >log
	done
	WAIT_SECONDS=30 wait_for has_line 200
	tail_stop
	diff <(seq 0 200) out
	if grep -q 'Too many open files' err; then false; fi
}
@test "inotify: 200 rotations in a burst with 32 descriptors: every line once, in order" { s_burst_few_fds; }
@test "polling: 200 rotations in a burst with 32 descriptors: every line once, in order" { POLL=50 s_burst_few_fds; }
