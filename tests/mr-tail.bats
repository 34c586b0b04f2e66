#!/usr/bin/env bats
# mr-tail follows files by name through rotation, truncation and restarts:
# every line once, in order, never a partial line.  The scenarios of
# shared/TAIL.md run twice: with inotify, and polling every 50 ms (POLL).
bats_require_minimum_version 1.5.0
load helper
load mr-tail

# writer N EVERY PAUSE [REDIR]: lines 1..N appended to log (or opened with
# REDIR, e.g. "1<>log"), a pause every EVERY lines.  A separate bash: the
# bats trap makes loops inside a test slow.
writer() {
	bash -c 'for ((i = 1; i <= $1; i++)); do echo "$i"; ((i % $2)) || sleep "$3"; done '"${4:->>log}" _ "$@" 3>&-
}
# chunked_writer N FILE: lines 1..N appended in random-sized chunks that
# cut lines in the middle.
chunked_writer() {
	mawk -v n="$1" -v f="$2" 'BEGIN {
		srand(7); k = 1
		for (i = 1; i <= n; i++) {
			buf = buf i "\n"
			if (length(buf) >= k) {
				printf "%s", substr(buf, 1, k) >> f; fflush(f)
				buf = substr(buf, k + 1); k = int(rand() * 3000) + 1
			}
		}
		printf "%s", buf >> f; close(f)
	}'
}

# --- 1. chunked append
s_chunked() {
	: >log
	tail_ready log
	chunked_writer 100000 log
	wait_for has_line 100000
	tail_stop
	{ echo ready; seq 100000; } >want
	cmp out want
	[[ ! -s err ]]
}
@test "inotify: chunked appends cutting lines print every line once, in order" { s_chunked; }
@test "polling: chunked appends cutting lines print every line once, in order" { POLL=50 s_chunked; }

# --- 2. partial line held back
s_partial() {
	tail_ready log
	printf abc >>log
	sleep 0.3
	[[ $(cat out) == ready ]]
	printf 'def\n' >>log
	wait_for has_line abcdef
	tail_stop
	[[ $(cat out) == $'ready\nabcdef' ]]
}
@test "inotify: an unterminated line is held until its newline arrives" { s_partial; }
@test "polling: an unterminated line is held until its newline arrives" { POLL=50 s_partial; }

# --- 3. partial line across a restart
s_partial_restart() {
	tail_ready log -s st
	printf partial >>log
	sleep 0.3
	tail_stop
	[[ $(state_offset) == 6 ]]	# after "ready\n", not inside "partial"
	printf ' line\n' >>log
	tail_bg -s st log
	wait_for has_line "partial line"
	tail_stop
	[[ $(cat out) == $'ready\npartial line' ]]
}
@test "inotify: a partial line across a restart is printed once, whole" { s_partial_restart; }
@test "polling: a partial line across a restart is printed once, whole" { POLL=50 s_partial_restart; }

# --- 4. rename rotation with a late writer
s_rename() {
	tail_ready log
	exec {w}>>log
	mv log log.1
	: >log
	echo A >&"$w"
	echo B >>log
	exec {w}>&-
	wait_for has_line A
	wait_for has_line B
	tail_stop
	[[ $(sort out) == $'A\nB\nready' ]]
	[[ $(head -1 out) == ready ]]
	[[ $(cat err) == "mr-tail: log: rotated; following new file" ]]
}
@test "inotify: rename rotation drains the old file, late writes included" { s_rename; }
@test "polling: rename rotation drains the old file, late writes included" { POLL=50 s_rename; }

# --- 5. rapid rotation: descriptors and watches come back to their count
fds_of() { ls "/proc/$TPID/fd" | wc -l; }
fds_are() { (($(fds_of) == $1)); }
watches_of() { cat /proc/"$TPID"/fdinfo/* 2>/dev/null | grep -c '^inotify wd' || true; }
s_rapid() {
	local n=$1 i fds watches
	tail_ready log --rotate-wait 300
	fds=$(fds_of)
	watches=$(watches_of)
	bash -c 'for ((i = 1; i <= $1; i++)); do
		mv log "log.$i"
		echo "line$i" >log
		for ((t = 0; t < 4000; t++)); do
			grep -qx "line$i" out && break
			sleep 0.005
		done
		grep -qx "line$i" out || { echo "line$i not printed" >&2; exit 1; }
	done' _ "$n"
	{ echo ready; seq -f 'line%g' "$n"; } >want
	cmp out want
	wait_for fds_are "$fds"
	[[ $(watches_of) -eq $watches ]]
	tail_stop
	[[ $(grep -c rotated err) -eq $n ]]
}
@test "inotify: 100 rename rotations, a line each: every line once, no descriptor leak" { s_rapid 100; }
@test "polling: 40 rename rotations, a line each: every line once, no descriptor leak" { POLL=50 s_rapid 40; }

@test "inotify: files rotated away before mr-tail looked are read, in rotation order" {
	tail_ready log
	kill -STOP "$TPID"
	for i in 1 2 3 4 5; do
		echo "line$i" >>log
		rotate
	done
	echo line6 >log
	kill -CONT "$TPID"
	wait_for has_line line6
	tail_stop
	cmp out <(echo ready; seq -f 'line%g' 6)
	[[ $(grep -c 'rotated before it was read' err) -eq 4 ]]
}

# --- 6. truncation
s_truncate() {
	seq 10 >f
	tail_bg -b f
	wait_for has_line 10
	seq 11 15 >f
	wait_for has_line 15
	tail_stop
	cmp out <(seq 15)
	[[ $(cat err) == "mr-tail: f: truncated; reading from the start" ]]
}
@test "inotify: a truncated file is read again from its start" { s_truncate; }
@test "polling: a truncated file is read again from its start" { POLL=50 s_truncate; }

# --- 7. truncation and regrowth past the offset before mr-tail looks
s_regrow() {
	seq 10 >f
	tail_bg -b f
	wait_for has_line 10
	kill -STOP "$TPID"
	seq -f 'x%g' 20 >f	# longer than before: only the content tells
	kill -CONT "$TPID"
	wait_for has_line x20
	tail_stop
	cmp out <(seq 10; seq -f 'x%g' 20)
	[[ $(cat err) == "mr-tail: f: truncated; reading from the start" ]]
}
@test "inotify: truncation then regrowth past the offset is caught by the fingerprint" { s_regrow; }
@test "polling: truncation then regrowth past the offset is caught by the fingerprint" { POLL=50 s_regrow; }

# --- 8. copytruncate with the writer still appending
log_has() { (($(wc -l <log) >= $1)); }
contains_all() { [[ -z $(comm -23 <(sort -u "$@") <(sort -u out)) ]]; }
s_copytruncate() {
	local open=$1
	: >log
	tail_bg -b log
	if [[ $open == append ]]; then
		writer 3000 100 0.01 &
	else
		writer 3000 100 0.01 '1<>log' &
	fi
	WPID=$!
	wait_for log_has 1000
	cp log log.1
	truncate -s 0 log
	wait "$WPID"
	WPID=
	wait_for has_line 3000
	tail_stop
	tr -d '\0' <out | cmp - out	# no NUL byte printed
	increasing out		# every line once, in order
	tr -d '\0' <log >log.data
	contains_all log.1 log.data	# nothing copied or written after is lost
	grep -q 'truncated' err
}
@test "inotify: copytruncate with an O_APPEND writer loses nothing after the truncate" { s_copytruncate append; }
@test "polling: copytruncate with an O_APPEND writer loses nothing after the truncate" { POLL=50 s_copytruncate append; }
@test "inotify: copytruncate with a writer at its own offset prints no NUL bytes" { s_copytruncate offset; }
@test "polling: copytruncate with a writer at its own offset prints no NUL bytes" { POLL=50 s_copytruncate offset; }

# --- 9. rotation while stopped
s_rotated_stopped() {
	local rotated=$1
	seq 3 >log
	tail_bg -b -s st log
	wait_for has_line 3
	tail_stop
	seq 4 6 >>log
	mv log "$rotated"
	seq 7 9 >log
	tail_bg -s st log
	wait_for has_line 9
	tail_stop
	cmp out <(seq 9)
	[[ $(cat err) == "mr-tail: log: rotated while stopped; reading the rest of $rotated first
mr-tail: log: following new file" ]]
}
@test "inotify: rotation while stopped: the rest of log.1, then the new log" { s_rotated_stopped log.1; }
@test "polling: rotation while stopped: the rest of log.1, then the new log" { POLL=50 s_rotated_stopped log.1; }
@test "inotify: rotation while stopped to a dated name (log-20261123)" { s_rotated_stopped log-20261123; }
@test "polling: rotation while stopped to a dated name (log-20261123)" { POLL=50 s_rotated_stopped log-20261123; }

@test "rotation while stopped: a rotated name outside NAME* is found with --rotated" {
	seq 3 >app.log
	mr-tail -b --once -s st app.log >out
	seq 4 6 >>app.log
	mv app.log old-app
	seq 7 9 >app.log
	run --separate-stderr mr-tail --once --rotated 'old-*' -s st app.log
	[[ $status -eq 0 && $output == "$(seq 4 9)" ]]
	[[ $stderr == "mr-tail: app.log: rotated while stopped; reading the rest of old-app first
mr-tail: app.log: following new file" ]]
}

# --- 10. file rewritten while stopped
s_rewritten() {
	seq 100 >log
	tail_bg -b -s st log
	wait_for has_line 100
	tail_stop
	"$@" >log	# same inode, new content
	: >out
	tail_bg -s st log
	wait_for has_line "$("$@" | tail -1)"
	tail_stop
	cmp out <("$@")
	[[ $(cat err) == "mr-tail: log: changed while stopped (truncated or rewritten); reading from the start" ]]
}
@test "inotify: a file shorter than the saved offset is read from 0 with a notice" { s_rewritten seq 5; }
@test "polling: a file shorter than the saved offset is read from 0 with a notice" { POLL=50 s_rewritten seq 5; }
@test "inotify: a file rewritten past the saved offset (fingerprint) is read from 0" { s_rewritten seq 1000 2000; }
@test "polling: a file rewritten past the saved offset (fingerprint) is read from 0" { POLL=50 s_rewritten seq 1000 2000; }

# --- 11. delete and recreate
s_recreate() {
	tail_ready log -s st
	rm log
	printf 'n1\nn2\n' >log
	wait_for has_line n2
	tail_stop
	[[ $(cat out) == $'ready\nn1\nn2' ]]
	[[ $(cat err) == "mr-tail: log: replaced; following new file" ]]
	# Across a restart, inode reuse included: never resume at a stale offset.
	rm log
	printf 'm1\nm2\nm3\nm4\n' >log
	: >out
	tail_bg -s st log
	wait_for has_line m4
	tail_stop
	[[ $(cat out) == $'m1\nm2\nm3\nm4' ]]
}
@test "inotify: a deleted and recreated file is followed from byte 0" { s_recreate; }
@test "polling: a deleted and recreated file is followed from byte 0" { POLL=50 s_recreate; }

# --- 12. missing file
s_retry() {
	tail_bg --retry -b later
	wait_for grep -q 'waiting' err
	seq 5 >later
	wait_for has_line 5
	tail_stop
	cmp out <(seq 5)
	[[ $(cat err) == $'mr-tail: later: does not exist yet; waiting for it\nmr-tail: later: appeared; following new file' ]]
}
@test "inotify: --retry waits for a missing file and prints all its lines" { s_retry; }
@test "polling: --retry waits for a missing file and prints all its lines" { POLL=50 s_retry; }

@test "a missing file without --retry is an error, status 1" {
	run -1 --separate-stderr mr-tail nope
	[[ $stderr == "mr-tail: nope: No such file or directory" && -z $output ]]
}

# --- 13. parent directory removed and recreated
s_dir() {
	mkdir d
	tail_ready d/log
	rm -r d
	mkdir d
	echo again >d/log
	wait_for has_line again
	tail_stop
	[[ $(cat out) == $'ready\nagain' ]]
}
@test "inotify: following resumes when the parent directory is removed and recreated" { s_dir; }
@test "polling: following resumes when the parent directory is removed and recreated" { POLL=50 s_dir; }

# --- 14. symlink retargeted
s_symlink() {
	: >b
	ln -s a link
	tail_ready link
	echo a1 >>a
	wait_for has_line a1
	ln -sfn b link
	echo a2 >>a		# late write to the old target
	echo b1 >>b
	wait_for has_line a2
	wait_for has_line b1
	tail_stop
	[[ $(sort out) == $'a1\na2\nb1\nready' ]]
	[[ $(grep -n . out | grep -E 'a1|a2' | cut -d: -f2 | tr '\n' ' ') == "a1 a2 " ]]
}
@test "inotify: a retargeted symlink: the old target's rest, then the new target" { s_symlink; }
@test "polling: a retargeted symlink: the old target's rest, then the new target" { POLL=50 s_symlink; }

# --- 15. startup race
s_startup() {
	: >log
	writer 20000 1000 0.005 &
	WPID=$!
	sleep 0.05
	tail_bg -b log
	wait "$WPID"
	WPID=
	wait_for has_line 20000
	tail_stop
	cmp out <(seq 20000)
}
@test "inotify: lines appended while mr-tail starts are not lost" { s_startup; }
@test "polling: lines appended while mr-tail starts are not lost" { POLL=50 s_startup; }

# --- 16. clean restart
s_restart() {
	seq 50 >log
	tail_bg -b -s st log
	wait_for has_line 50
	tail_stop
	: >out
	tail_bg -s st log
	seq 51 57 >>log
	wait_for has_line 57
	tail_stop
	cmp out <(seq 51 57)
}
@test "inotify: a clean restart prints nothing again, then exactly the new lines" { s_restart; }
@test "polling: a clean restart prints nothing again, then exactly the new lines" { POLL=50 s_restart; }

# --- 17. kill -9 loop
s_kill9() {
	local n=15000 i
	: >log
	writer "$n" 100 0.02 &
	WPID=$!
	for ((i = 0; i < 40; i++)); do
		tail_bg -b -s st log
		sleep "0.0$((RANDOM % 9 + 1))"
		kill -9 "$TPID"
		wait "$TPID" 2>/dev/null || true
	done
	TPID=
	wait "$WPID"
	WPID=
	mr-tail -b --once -s st log >>out	# -b as the killed runs: all of it if none saved a state
	sort -n out | uniq | cmp - <(seq "$n")	# no line lost, none partial
	[[ $(wc -l <out) -lt $((n * 2)) ]]	# duplicates only from unsaved batches
}
@test "inotify: kill -9 forty times during appends: no line lost on restart" { s_kill9; }
@test "polling: kill -9 forty times during appends: no line lost on restart" { POLL=50 s_kill9; }

@test "--once --no-commit with --commit after a good job gives every line exactly once" {
	local i n=3000
	: >log
	writer "$n" 100 0.02 &
	WPID=$!
	: >all
	for ((i = 0; i < 10; i++)); do
		mr-tail -b --once --no-commit -s st log >batch
		cp st st.before
		mr-tail -b --once --no-commit -s st log >batch2	# a retry reads the same batch or more
		cmp batch <(head -n "$(wc -l <batch)" batch2)
		if ((i % 4 == 3)); then
			continue	# the job failed: no commit, the batch comes again
		fi
		cat batch2 >>all
		mr-tail --commit -s st
		sleep 0.05
	done
	wait "$WPID"
	WPID=
	mr-tail --once -s st log >>all
	cmp all <(seq "$n")
}

@test "--once --no-commit leaves the committed state as it was and records a pending one" {
	seq 3 >log
	mr-tail -b --once -s st log >/dev/null
	grep -q '^F C ' st
	cp st st.orig
	seq 4 5 >>log
	run mr-tail --once --no-commit -s st log
	[[ $output == $'4\n5' ]]
	[[ $(grep '^. C ' st) == "$(grep '^. C ' st.orig)" ]]
	grep -q '^F P ' st
	run mr-tail --once -s st log	# uncommitted: the batch comes again
	[[ $output == $'4\n5' ]]
}

# --- 18. state file durability
@test "a corrupt state file is an error, status 1, never a silent restart" {
	echo x >log
	printf 'garbage\n' >st
	run -1 --separate-stderr mr-tail -s st log
	[[ $stderr == "mr-tail: st:1: corrupt state file: not an mr-tail state file" ]]
	: >st
	run -1 --separate-stderr mr-tail -s st log
	[[ $stderr == "mr-tail: st:1: corrupt state file: empty file" ]]
	mr-tail -b --once -s good log >/dev/null
	head -c -3 good >st
	run -1 --separate-stderr mr-tail -s st log
	[[ $stderr == "mr-tail: st:4: corrupt state file: truncated file (no end line)" ]]
	sed 's/^\(F C [0-9]* [0-9]* [0-9]*\) 2 /\1 1 /' good >st	# offset changed
	! cmp -s st good
	run -1 --separate-stderr mr-tail --once -s st log
	[[ $stderr == "mr-tail: st:4: corrupt state file: checksum mismatch" ]]
	run -1 --separate-stderr mr-tail --commit -s st
	[[ $stderr == "mr-tail: st:4: corrupt state file: checksum mismatch" ]]
}

@test "the state is replaced by rename: no temporary file is left, the old one never half-written" {
	seq 3 >log
	mr-tail -b --once -s st log >/dev/null
	ino=$(stat -c %i st)
	echo 4 >>log
	mr-tail --once -s st log >/dev/null
	[[ $(stat -c %i st) != "$ino" ]]	# a new file renamed into place
	[[ $(ls -A) == $'log\nst' ]]
}

@test "a failure while the new state is written leaves the old state intact" {
	seq 3 >log
	mr-tail -b --once -s st log >/dev/null
	cp st st.orig
	seq 4 6 >>log
	# A file size limit of 0 fails mr-tail's first state write (EFBIG:
	# every program ignores SIGXFSZ, so it is an error, not a crash).
	run bash -c 'ulimit -f 0; mr-tail --once -s st log >/dev/null'
	((status == 1))
	[[ $output == "mr-tail: "*"File too large" ]]
	cmp st st.orig
	[[ $(ls -A) == $'log\nst\nst.orig' ]]	# no temporary state left
	run mr-tail --once -s st log	# the batch was not committed: it comes again
	[[ $output == "$(seq 4 6)" ]]
}

# --- 19. long lines
s_long() {
	tail_ready log
	{ head -c 10485760 /dev/zero | tr '\0' x; echo; echo after; } >>log
	wait_for has_line after
	tail_stop
	[[ $(sed -n 2p out | wc -c) -eq 10485761 ]]
	[[ $(sed -n 3p out) == after ]]
}
@test "inotify: a 10 MiB line is printed whole" { s_long; }
@test "polling: a 10 MiB line is printed whole" { POLL=50 s_long; }

s_cap() {
	tail_ready log --max-line 1M
	{ head -c $((64 << 20)) /dev/zero | tr '\0' y; echo; echo after; } >>log
	wait_for has_line after
	local hwm
	hwm=$(mawk '/VmHWM/ { print $2 }' "/proc/$TPID/status")
	tail_stop
	[[ $(sed -n 2p out | wc -c) -eq $((1048576 + 1)) ]]
	[[ $(sed -n 3p out) == after ]]
	# At the line, and at the end how many lines and bytes.
	[[ $(cat err) == "mr-tail: log: line longer than 1048576 bytes cut
mr-tail: 1 line cut at 1048576 bytes (-m): 66,060,288 bytes dropped" ]]
	((hwm < 40 * 1024))	# far below the 64 MiB line (ASan included)
}
@test "inotify: a 64 MiB line with --max-line 1M is cut, memory stays bounded, following continues" { s_cap; }
@test "polling: a 64 MiB line with --max-line 1M is cut, memory stays bounded, following continues" { POLL=50 s_cap; }

# --- 20. inotify watches exhausted
@test "inotify: when watches run out mr-tail polls, with a notice, and loses nothing" {
	MR_TAIL_MAX_WATCHES=1 tail_ready log
	seq 100 >>log
	wait_for has_line 100
	tail_stop
	cmp out <(echo ready; seq 100)
	[[ $(cat err) == "mr-tail: inotify watches exhausted; polling every 1000 ms" ]]
}

# --- 21. output closed, write errors
s_head() {
	seq 1000 >log
	run --separate-stderr timeout 10 bash -c "mr-tail ${POLL:+--poll $POLL} -b log | head -1; exit \${PIPESTATUS[0]}"
	[[ $status -eq 0 && $output == 1 && -z $stderr ]]
}
@test "inotify: | head -1 ends mr-tail at once, with no new input, quietly" { s_head; }
@test "polling: | head -1 ends mr-tail at once, with no new input, quietly" { POLL=50 s_head; }

@test ">/dev/full is an error, status 1, and leaves the state unchanged" {
	seq 3 >log
	mr-tail -b --once -s st log >/dev/null
	cp st st.orig
	seq 4 6 >>log
	run -1 --separate-stderr bash -c 'mr-tail --once -s st log >/dev/full'
	[[ $stderr == "mr-tail: standard output: write error: No space left on device" ]]
	cmp st st.orig
	run -1 --separate-stderr bash -c 'mr-tail -s st log >/dev/full' 
	[[ $stderr == "mr-tail: standard output: write error: No space left on device" ]]
	cmp st st.orig
}

# --- start positions, -H, options
@test "by default only new lines are printed; -n N starts N lines back; -b at the start" {
	printf '1\n2\n3\n4\npart' >log
	run mr-tail --once log
	[[ $output == "" ]]
	run mr-tail --once -n 2 log
	[[ $output == $'3\n4' ]]
	run mr-tail --once -b log
	[[ $output == $'1\n2\n3\n4' ]]
	run mr-tail --once -n 0 log
	[[ $output == "" ]]
}

@test "the start at the end holds an unterminated last line and prints it whole" {
	printf '1\npar' >log
	tail_bg log
	sleep 0.3
	printf 'tial\n' >>log
	wait_for has_line partial
	tail_stop
	[[ $(cat out) == partial ]]
}

@test "with a state, -b and -n apply only to files the state does not know" {
	seq 3 >a
	seq 3 >b
	mr-tail -b --once -s st a >/dev/null
	echo 4 >>a
	run mr-tail -b --once -s st a b
	[[ $output == $'4\n1\n2\n3' ]]
}

@test "-H prefixes each line with its file name and a TAB" {
	seq 2 >a
	printf 'x\n' >b
	run mr-tail -H -b --once a b
	[[ $output == "a${TAB}1"$'\n'"a${TAB}2"$'\n'"b${TAB}x" ]]
}

@test "-H in a live pipeline: lines of several files keyed by name" {
	: >a
	: >b
	tail_bg -H a b
	sleep 0.3
	echo 1 >>a
	echo 2 >>b
	wait_for has_lines 2
	tail_stop
	[[ $(sort out) == "a${TAB}1"$'\n'"b${TAB}2" ]]
}

@test "usage errors: status 2 with the usage line; --help and --version" {
	run -2 --separate-stderr mr-tail
	[[ ${stderr_lines[0]} == "mr-tail: no file to follow" ]]
	[[ ${stderr_lines[1]} == "usage: mr-tail "* ]]
	run -2 --separate-stderr mr-tail --no-commit -s st log
	[[ ${stderr_lines[0]} == "mr-tail: --no-commit needs --once" ]]
	run -2 --separate-stderr mr-tail --commit -s st log
	[[ ${stderr_lines[0]} == "mr-tail: --commit takes only -s STATE" ]]
	run -2 --separate-stderr mr-tail -n x log
	[[ ${stderr_lines[0]} == "mr-tail: -n: 'x' is not a number from 0 up" ]]
	run -2 --separate-stderr mr-tail --poll 0 log
	[[ ${stderr_lines[0]} == "mr-tail: --poll: '0' is not a number from 1 to 3600000" ]]
	run -2 --separate-stderr mr-tail --rotate-wait=-1 log
	[[ ${stderr_lines[0]} == "mr-tail: --rotate-wait: '-1' is not a number from 0 to 2147483647" ]]
	run -2 --separate-stderr mr-tail -m 1X log
	[[ ${stderr_lines[0]} == "mr-tail: -m: '1X' is not a size (such as 4096, 64K, 16M or 2G)" ]]
	# One message for an unknown option, then the usage.
	run -2 --separate-stderr mr-tail -x log
	[[ ${stderr_lines[0]} == "mr-tail: -x: unknown option" &&
	    ${stderr_lines[1]} == "usage: mr-tail "* ]]
	run -0 mr-tail --help
	[[ $output == "usage: mr-tail "* ]]
	run -0 mr-tail --version
	[[ $output == "mr-tail (mr-tools) "* ]]
}

@test "--commit without pending entries leaves the state as it is" {
	seq 3 >log
	mr-tail -b --once -s st log >/dev/null
	cp st st.orig
	run -0 mr-tail --commit -s st
	cmp st st.orig
	run -1 --separate-stderr mr-tail --commit -s nost
	[[ $stderr == "mr-tail: nost: No such file or directory" ]]
}

@test "-v: the counters at the end, one a line, as mr-map -v and mr-reduce -v write them; a Streaming task gets them as reporter lines" {
	printf 'line 1\nline 2\nline 3' >log	# line 3 unfinished: its size is known
	mr-tail -b --once -s st log >/dev/null
	rm log
	printf 'new %d\n' 1 2 >log
	cp st st.task
	cp st st.quiet
	run --separate-stderr mr-tail -v --once -s st log
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'new %d\n' 1 2)" ]
	[ "$stderr" = "mr-tail: log: deleted while stopped; 6 bytes (about 1 line) after offset 14 were not read
mr-tail: log: following new file
mr-tail: counter mr-tail,input lines: 2
mr-tail: counter mr-tail,lost bytes: 6
mr-tail: counter mr-tail,estimated lost lines: 1
mr-tail: counter mr-tail,known losses: 1
mr-tail: counter mr-tail,unknown losses: 0" ]
	# In a task: the same counters to Hadoop, not twice.
	run --separate-stderr env mapreduce_task_id=attempt_1 mr-tail -v --once -s st.task log
	[ "${stderr_lines[*]:2}" = "reporter:counter:mr-tail,input lines,2 reporter:counter:mr-tail,lost bytes,6 reporter:counter:mr-tail,estimated lost lines,1 reporter:counter:mr-tail,known losses,1 reporter:counter:mr-tail,unknown losses,0" ]
	# Without -v: the notices only.
	run --separate-stderr mr-tail --once -s st.quiet log
	[ "$stderr" = "mr-tail: log: deleted while stopped; 6 bytes (about 1 line) after offset 14 were not read
mr-tail: log: following new file" ]
}

@test "-v, live: stopped by SIGTERM, the counters are written once" {
	seq 3 >log
	tail_ready log -v
	echo 4 >>log
	wait_for has_line 4
	tail_stop
	[ "$(cat err)" = "$(counters 5 0 0 0 0)" ]
}

@test "-m: the end says how many lines were cut and how many bytes went, with or without -v" {
	printf 'short\n%0100d\n%050d\nok\n' 0 0 >log
	run --separate-stderr mr-tail -v -m 10 --once -b log
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'short\n0000000000\n0000000000\nok')" ]
	[ "$stderr" = "mr-tail: log: line longer than 10 bytes cut
mr-tail: 2 lines cut at 10 bytes (-m): 130 bytes dropped
$(counters 4 0 0 0 0)" ]
	head -c 2000000 /dev/zero | tr "\\000" y >big
	echo >>big
	run --separate-stderr mr-tail -m 10 --once -b big
	[ "$stderr" = "mr-tail: big: line longer than 10 bytes cut
mr-tail: 1 line cut at 10 bytes (-m): 1,999,990 bytes dropped" ]
}

@test "a state file that cannot be written is a write error naming the state, as other write errors are" {
	printf 'a\n' >log
	# (its stderr into a pipe, which the file size limit does not touch)
	run bash -c '(ulimit -f 0; mr-tail --once -b -s st log 2>&1 >/dev/null; echo "status $?") | cat'
	[ "$output" = "mr-tail: st: write error: File too large
status 1" ]
	[ -z "$(ls -A | grep -v '^log$')" ]
}
