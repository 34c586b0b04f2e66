#!/usr/bin/env bats
# mr-tail's own files and its output's edges (outside attack 18): what a
# --rotated glob may not take for a log, a closed output, -m on a line
# that has no newline yet, a log directory re-created in bursts.
bats_require_minimum_version 1.5.0
load helper
load mr-tail

@test "-g 'app.log*' never takes the state file, its temporaries or the output file for rotated logs" {
	mkdir logs
	cd logs
	seq 1 3 >app.log
	: >.app.log.state.Ab12Cd	# a temporary of the state's (a killed run's)
	run --separate-stderr mr-tail -b --once -g 'app.log*' -s app.log.state app.log
	[ "$status" -eq 0 ]
	[ "$output" = "$(seq 1 3)" ]
	[ -z "$stderr" ]
	seq 4 6 >>app.log
	run --separate-stderr mr-tail -b --once -g 'app.log*' -s app.log.state app.log
	[ "$output" = "$(seq 4 6)" ]
	[ -z "$stderr" ]
	# A rotation is still found, and the output file beside the log is not read.
	seq 7 8 >>app.log
	mv app.log app.log.1
	seq 9 10 >app.log
	mr-tail -b --once -g '*' -s app.log.state app.log >app.log.out 2>../err
	[ "$(cat app.log.out)" = "$(seq 7 10)" ]
	! grep -q 'reading .*app.log.\(out\|state\)' ../err
	# Live: a checkpoint renames a new state file over the old one; the
	# output file grows; neither is read.
	seq 11 12 >>app.log
	mr-tail -b -g 'app.log*' -s app.log.state app.log >>app.log.out 2>../err &
	TPID=$!
	wait_for grep -qx 12 app.log.out
	echo 13 >>app.log
	wait_for grep -qx 13 app.log.out
	wait_for grep -q "^F C .* $(stat -c %s app.log) " app.log.state
	echo 14 >>app.log
	wait_for grep -qx 14 app.log.out
	tail_stop
	[ "$(cat app.log.out)" = "$(seq 7 14)" ]
	[ ! -s ../err ]
}

@test "inotify: the log's directory removed and re-created, then renamed away and created again: followed on" {
	# The old file stays open (-w), so the removed directory reports its
	# removal only when that file is closed: meanwhile its watch looks
	# valid, and the new directory under the same path was never
	# watched; renamed away and created again, it gave no event at all.
	mkdir logs
	seq 1 3 >logs/app.log
	tail_bg -b -w 60000 logs/app.log
	wait_for has_line 3
	rm -rf logs
	mkdir logs
	seq 4 5 >logs/app.log
	wait_for has_line 5
	mv logs logs.old
	mkdir logs
	echo 6 >logs/app.log
	WAIT_SECONDS=5 wait_for has_line 6
	echo 7 >>logs/app.log
	WAIT_SECONDS=5 wait_for has_line 7
	mv logs/app.log logs/app.log.1
	echo 8 >logs/app.log
	WAIT_SECONDS=5 wait_for has_line 8
	tail_stop
	[ "$(cat out)" = "$(seq 1 8)" ]
}

@test "-m: a long line is written once, when its newline comes, live, with --once and across a clean restart" {
	echo a >app.log
	: >other.log
	tail_bg -b -m 10 -s st app.log other.log
	wait_for has_line a
	printf '%030d' 0 >>app.log	# 30 bytes, no newline yet
	echo x >>other.log		# read after app.log's bytes
	wait_for has_line x
	tail_stop
	[ "$(cat out)" = "$(printf 'a\nx')" ]
	printf '00\nb\n%025d' 0 >>app.log
	mr-tail -b --once -m 10 -s st app.log other.log >>out 2>err
	[ "$(cat out)" = "$(printf 'a\nx\n0000000000\nb')" ]
	grep -qx 'mr-tail: 1 line cut at 10 bytes (-m): 22 bytes dropped' err
	# The last, unterminated, cut line of a rotated file gone idle is
	# written (ended) once.
	mv app.log app.log.1
	touch -d '-1 min' app.log.1
	echo c >app.log
	mr-tail -b --once -m 10 -w 1000 -s st app.log other.log >>out 2>err
	mr-tail -b --once -m 10 -w 1000 -s st app.log other.log >>out 2>err
	# (after the current file's lines, as any idle unterminated line)
	[ "$(cat out)" = "$(printf 'a\nx\n0000000000\nb\nc\n0000000000')" ]
}

# after_close GOT NEXT N: the first run's reader took GOT (cut anywhere)
# and closed; the next run wrote NEXT.  The state covered exactly the
# whole lines the output accepted: NEXT goes on at a line after the last
# one GOT holds whole (none repeated) and on to N, and what lies between
# (accepted by the pipe, dropped unread) is no more than a pipe holds.
after_close() {
	local whole first
	if [ -z "$(tail -c 1 "$1")" ]; then
		whole=$(tail -n 1 "$1")
	else
		whole=$(sed '$d' "$1" | tail -n 1)
	fi
	first=$(head -n 1 "$2")
	[ "$(cat "$2")" = "$(seq "$first" "$3")" ]
	((first - 1 >= whole))
	(($(seq $((whole + 1)) $((first - 1)) | wc -c) <= 1048576))
}

@test "a closed output: the state covers exactly the lines the output accepted, --once and live, small and large" {
	mkfifo pipe
	# Small: three lines into the pipe, the reader takes one and goes:
	# the other two were accepted, and are not read again.
	seq 1 3 >log
	mr-tail -b --once -s st log >pipe &
	exec 5<pipe
	wait $!
	[ "$(head -n 1 <&5)" = 1 ]
	exec 5<&-
	seq 4 5 >>log
	[ "$(mr-tail -b --once -s st log)" = "$(seq 4 5)" ]
	# A reader gone before anything was written: nothing was accepted.
	seq 6 7 >>log
	into_closed_pipe mr-tail -b --once -s st log
	[ "$(mr-tail -b --once -s st log)" = "$(seq 6 7)" ]
	# Large: the reader goes after 300,000 bytes, the rest pending.
	seq 8 300000 >>log
	mr-tail -b --once -s st log | head -c 300000 >got
	mr-tail -b --once -s st log >next
	after_close got next 300000
	# Live, large: the same.
	seq 300001 600000 >>log
	mr-tail -b -s st log | head -c 300000 >got
	mr-tail -b --once -s st log >next
	after_close got next 600000
	# Live, small: the reader takes every line and goes; mr-tail sees it
	# gone and checkpoints what was written.
	seq 600001 600003 >>log
	mr-tail -b -s st log | head -n 3 >got
	[ "$(cat got)" = "$(seq 600001 600003)" ]
	seq 600004 600005 >>log
	[ "$(mr-tail -b --once -s st log)" = "$(seq 600004 600005)" ]
}
