#!/usr/bin/env bats
# mr-tail through chains of rotations between two looks: stopped (state
# file, --once from cron), polled, blocked, killed, uncommitted.  Nothing
# still on disk is lost, older generations come before newer ones, and a
# loss that cannot be prevented is named and counted.  shared/TAIL.md
# scenarios 23-33 and the reproductions of issue 16; live ones run with
# inotify and polling every 50 ms (POLL).
bats_require_minimum_version 1.5.0
load helper
load mr-tail

once() { mr-tail -b --once -s st "$@"; }

# --- issue 16, reproduction 1 / TAIL.md 23: renames while stopped
@test "two renames while stopped: the rest of log.2, then log.1, then log" {
	seq 1 3 >app.log
	once app.log >out
	seq 4 6 >>app.log
	mv app.log app.log.1
	seq 7 9 >app.log
	mv app.log.1 app.log.2
	mv app.log app.log.1
	seq 10 12 >app.log
	run --separate-stderr once app.log
	[[ $status -eq 0 && $output == "$(seq 4 12)" ]]
	[[ $stderr == "mr-tail: app.log: rotated while stopped; reading the rest of app.log.2 first
mr-tail: app.log: rotated before it was read; reading app.log.1
mr-tail: app.log: following new file" ]]
}

s_renames_while_stopped() {
	local n=$1 i line=1
	echo "$line" >log
	once log >out
	for ((i = 0; i < n; i++)); do
		echo "$((++line))" >>log
		echo "$((++line))" >>log
		rotate
	done
	echo "$((++line))" >>log
	once log >>out
	cmp out <(seq "$line")
	[[ $(grep -c 'rotated before it was read' err 2>/dev/null || true) -le $n ]]
	once log >again	# a clean restart: nothing again
	[[ ! -s again ]]
}
@test "three renames while stopped, lines between them: every line once, in order" { s_renames_while_stopped 3; }
@test "five renames while stopped, lines between them: every line once, in order" { s_renames_while_stopped 5; }

@test "renames while stopped to dated names (log-20261204, log.2026-12-05): in order" {
	seq 3 >log
	once log >out
	seq 4 6 >>log
	mv log log-20261204
	seq 7 9 >log
	mv log log.2026-12-05
	seq 10 12 >log
	mv log log-20261206
	seq 13 15 >log
	once log >>out
	cmp out <(seq 15)
}

# --- TAIL.md 24: copytruncates while stopped
@test "two copytruncates while stopped (log.1 copied twice, the first copy now log.2)" {
	seq 3 >log
	once log >out
	seq 4 6 >>log
	copytruncate
	seq 7 9 >>log
	copytruncate
	seq 10 12 >>log
	run --separate-stderr once log
	[[ $status -eq 0 && $output == "$(seq 4 12)" ]]
	[[ $stderr == "mr-tail: log: truncated while stopped; reading the rest of log.2 first
mr-tail: log: rotated before it was read; reading log.1" ]]
}

# --- issue 16, reproduction 4 / TAIL.md 25: an empty fingerprint matches nothing
@test "a checkpoint at offset 0, then copytruncate while stopped: the copy is read" {
	: >app.log
	once app.log >out
	seq 1 5 >>app.log
	cp app.log app.log.1
	: >app.log
	seq 6 8 >>app.log
	run --separate-stderr once app.log
	[[ $status -eq 0 && $output == "$(seq 1 8)" ]]
}

@test "a checkpoint at offset 0 of a copy's original never matches an unrelated empty copy" {
	: >log
	once log >out
	: >log.1	# an empty file of the set: nothing to take from it
	seq 3 >>log
	run once log
	[[ $output == "$(seq 3)" ]]
}

# --- issue 16, reproduction 2 / TAIL.md 28: --poll, rotations inside one interval
@test "polling: two rotations inside one interval are read in order" {
	seq 1 3 >app.log
	mr-tail --poll 2000 -b app.log >out 2>err &
	TPID=$!
	wait_for has_line 3
	echo 4 >>app.log
	mv app.log app.log.1
	echo 5 >app.log
	mv app.log.1 app.log.2
	mv app.log app.log.1
	echo 6 >app.log
	wait_for has_line 6
	tail_stop
	[[ $(cat out) == "$(seq 6)" ]]
}

# holds FILE: the background mr-tail has FILE open.
holds() { [[ $(readlink "/proc/$TPID/fd/"* 2>/dev/null) == *"$PWD/$1"* ]]; }

@test "polling: a file empty when opened, rotated twice and deleted inside one interval: its lines before the newer files'" {
	: >app.log
	mr-tail --poll 2000 -b app.log >out 2>err &
	TPID=$!
	wait_for holds app.log
	seq 1 3 >>app.log
	mv app.log app.log.1
	seq 4 6 >app.log
	mv app.log.1 app.log.2
	mv app.log app.log.1
	seq 7 9 >app.log
	rm app.log.2	# still open: its lines can be read
	wait_for has_line 9
	tail_stop
	[[ $(cat out) == "$(seq 9)" ]]
}

@test "polling: four rotations with copytruncate inside one interval, in order" {
	seq 1 3 >log
	mr-tail --poll 2000 -b log >out 2>err &
	TPID=$!
	wait_for has_line 3
	echo 4 >>log
	copytruncate
	echo 5 >>log
	rotate
	echo 6 >>log
	copytruncate
	echo 7 >>log
	rotate
	echo 8 >>log
	wait_for has_line 8
	tail_stop
	[[ $(cat out) == "$(seq 8)" ]]
}

@test "polling: copytruncates within one clock tick (copies as new as the log): every copy read, in order" {
	seq 1 3 >log
	mr-tail --poll 2000 -b log >out 2>err &
	TPID=$!
	wait_for has_line 3
	echo 4 >>log
	copytruncate
	echo 5 >>log
	copytruncate
	echo 6 >>log
	# A burst inside one tick of the file system's clock: the copies'
	# times are the log's, and only their names tell their age.
	touch -m -d "@$(date +%s)" log log.1 log.2
	wait_for has_line 6
	tail_stop
	[[ $(cat out) == "$(seq 6)" ]]
}

# --- TAIL.md 29: inotify, rotations before mr-tail reads (a blocked reader)
@test "inotify: three rotations while the reader is blocked; names recorded at rename time mislead no one" {
	tail_ready log
	kill -STOP "$TPID"
	echo a >>log
	rotate	# log.1: a
	echo b >>log
	rotate	# log.2: a, log.1: b -- the name log.1 holds a newer file now
	echo c >>log
	rotate
	echo d >>log
	kill -CONT "$TPID"
	wait_for has_line d
	tail_stop
	[[ $(cat out) == $'ready\na\nb\nc\nd' ]]
}

# attack F1: the same number of bytes written again after a truncation:
# a size equal to the offset read says nothing; the bytes before it do.
s_same_size_rewrite() {
	tail_ready log
	kill -STOP "$TPID"
	seq 11 14 >>log
	kill -CONT "$TPID"
	wait_for has_line 14
	kill -STOP "$TPID"
	copytruncate		# log.1: ready 11..14
	seq 15 20 >>log		# 18 bytes, as many as were read
	rotate			# log.2: the copy, log.1: 15..20
	echo 50 >>log
	kill -CONT "$TPID"
	wait_for has_line 50
	tail_stop
	[[ $(cat out) == "$(echo ready; seq 11 20; echo 50)" ]]
}
@test "inotify: copytruncate, as many bytes written again, rename, all before a look: every line" { s_same_size_rewrite; }
@test "polling: copytruncate, as many bytes written again, rename, all before a look: every line" { POLL=50 s_same_size_rewrite; }

@test "inotify: a burst of rotations within milliseconds, a line each" {
	tail_ready log
	bash -c 'for i in 1 2 3 4 5 6 7 8; do
		echo "b$i" >>log
		for ((n = 20; n >= 1; n--)); do [[ -e log.$n ]] && mv "log.$n" "log.$((n + 1))"; done
		mv log log.1
		: >log
	done
	echo end >>log'
	wait_for has_line end
	tail_stop
	[[ $(cat out) == "$(echo ready; seq -f 'b%g' 8; echo end)" ]]
}

# --- issue 16, reproduction 3 / TAIL.md 30: late writes to a rotated file
s_late_writes() {
	seq 1 3 >app.log
	exec {w}>>app.log
	tail_bg -b app.log
	wait_for has_line 3
	mv app.log app.log.1
	: >app.log
	wait_for grep -q rotated err	# the new file is followed
	echo 4 >&"$w"			# late, to the rotated file
	echo 5 >>app.log
	mv app.log.1 app.log.2
	mv app.log app.log.1
	: >app.log
	exec {w}>&-
	wait_for has_line 5
	wait_for has_line 4
	tail_stop
	[[ $(cat out) == "$(seq 5)" ]]
}
@test "inotify: late writes to a rotated file come out before the newer file's lines" { s_late_writes; }
@test "polling: late writes to a rotated file come out before the newer file's lines" { POLL=50 s_late_writes; }

s_late_after() {
	tail_ready log --rotate-wait 5000
	exec {w}>>log
	rotate
	echo new1 >>log
	wait_for has_line new1
	echo late >&"$w"	# the new file's lines are out already: not lost
	exec {w}>&-
	wait_for has_line late
	tail_stop
	[[ $(cat out) == $'ready\nnew1\nlate' ]]
}
@test "inotify: a late write after the newer file's lines is not lost" { s_late_after; }
@test "polling: a late write after the newer file's lines is not lost" { POLL=50 s_late_after; }

# --- TAIL.md 26: kill -9 after a live rotation, then another rotation
s_kill_rotate() {
	seq 1 3 >log
	tail_bg -b -s st log
	wait_for has_line 3
	wait_for test -s st
	sleep 1.1	# a checkpoint interval: the state holds 1..3
	wait_for grep -q '^F C [0-9]* [0-9]* [0-9-]* 6 ' st
	seq 4 6 >>log
	rotate
	seq 7 9 >>log
	wait_for has_line 9
	kill -9 "$TPID"		# within a checkpoint interval of the rotation
	wait "$TPID" 2>/dev/null || true
	seq 10 12 >>log
	rotate
	seq 13 15 >>log
	tail_bg -s st log
	wait_for has_line 15
	tail_stop
	# Every line; again only what the killed run wrote since its checkpoint.
	[[ $(sort -nu out) == "$(seq 15)" ]]
	[[ $(head -n 9 out) == "$(seq 9)" ]]
	[[ $(tail -n +10 out | sort -n | head -n 1) -ge 4 ]]
	increasing <(tail -n +10 out)
}
@test "inotify: kill -9 within a checkpoint interval after a rotation, another rotation before the restart" { s_kill_rotate; }
@test "polling: kill -9 within a checkpoint interval after a rotation, another rotation before the restart" { POLL=50 s_kill_rotate; }

# --- issue 16, reproduction 5 / TAIL.md 27: uncommitted batches and rotations
@test "--no-commit: a first batch never committed, then a rotation: the retry reads it all" {
	seq 1 5 >app.log
	mr-tail -b --once --no-commit -s st app.log >/dev/null
	mv app.log app.log.1
	seq 6 8 >app.log
	run --separate-stderr mr-tail -b --once --no-commit -s st app.log
	[[ $output == "$(seq 8)" ]]
	mr-tail --commit -s st
	run --separate-stderr mr-tail --once -s st app.log
	[[ -z $output ]]
}

@test "--no-commit: later batches uncommitted through two rotations, then --commit: exactly once" {
	seq 3 >log
	once log >all
	seq 4 6 >>log
	mr-tail --once --no-commit -s st log >batch	# the job fails
	rotate
	seq 7 9 >>log
	mr-tail --once --no-commit -s st log >batch	# fails again
	copytruncate
	seq 10 12 >>log
	rotate
	seq 13 15 >>log
	mr-tail --once --no-commit -s st log >batch	# succeeds
	cat batch >>all
	mr-tail --commit -s st
	seq 16 18 >>log
	mr-tail --once --no-commit -s st log >batch
	cat batch >>all
	mr-tail --commit -s st
	cmp all <(seq 18)
}

# --- TAIL.md 31: compressed while stopped
s_compressed() {
	local tool=$1 ext=$2
	need_tool "$tool"
	seq 3 >log
	once log >out
	seq 4 6 >>log
	rotate
	seq 7 9 >>log
	rotate
	seq 10 12 >>log
	"$tool" -q log.1 log.2
	[[ -e log.1$ext && -e log.2$ext && ! -e log.1 ]] || rm -f log.1 log.2	# zstd keeps them
	run --separate-stderr once log
	[[ $status -eq 0 && $output == "$(seq 4 12)" ]]
	[[ $stderr == "mr-tail: log: rotated while stopped; reading the rest of log.2$ext first
mr-tail: log: rotated before it was read; reading log.1$ext
mr-tail: log: following new file" ]]
}
@test "rotated files gzipped while stopped are read through gzip -dc" { s_compressed gzip .gz; }
@test "rotated files compressed with bzip2 while stopped are read through bzip2 -dc" { s_compressed bzip2 .bz2; }
@test "rotated files compressed with xz while stopped are read through xz -dc" { s_compressed xz .xz; }
@test "rotated files compressed with zstd while stopped are read through zstd -dc" { s_compressed zstd .zst; }

# Lines 1-10 read, 11-15 rotated and gzipped while stopped (40 bytes): with
# no gzip on mr-tail's PATH, they are lost.
gzipped_while_stopped() {
	need_tool gzip
	printf 'line %02d\n' $(seq 10) >log	# 8 bytes a line
	once log >out
	printf 'line %02d\n' $(seq 11 15) >>log
	rotate
	gzip log.1
}

@test "a rotated file compressed while stopped with no decompressor: the loss is named with its size" {
	gzipped_while_stopped
	echo new >>log
	cp st st.again
	run --separate-stderr env PATH="${MR_BIN:-$MR_ROOT/bin}" mr-tail -v --once -s st log
	[[ $status -eq 0 && $output == new ]]
	[[ ${stderr_lines[0]} == "mr-tail: log: not found, probably compressed as log.1.gz, and gzip is not installed; 40 bytes after offset 80 were not read" ]]
	[[ $stderr == *"
$(counters 1 40 0 1 0)" ]]
	# The same counted for Hadoop, in a Streaming task.
	run --separate-stderr env PATH="${MR_BIN:-$MR_ROOT/bin}" mapreduce_task_id=attempt_1 \
	    mr-tail --once -s st.again log
	[[ $stderr == *"reporter:counter:mr-tail,input lines,1"* ]]
	[[ $stderr == *"reporter:counter:mr-tail,lost bytes,40"* ]]
	[[ $stderr == *"reporter:counter:mr-tail,estimated lost lines,0"* ]]
	[[ $stderr == *"reporter:counter:mr-tail,known losses,1"* ]]
}

@test "a compressed generation never seen, with no decompressor: named, with its size" {
	need_tool gzip
	seq 3 >log
	once log >out
	rotate
	printf 'line %02d\n' $(seq 5) >>log	# 40 bytes
	rotate
	gzip log.1
	run --separate-stderr env PATH="${MR_BIN:-$MR_ROOT/bin}" mr-tail -v --once -s st log
	[[ $status -eq 0 && -z $output ]]
	# Its lines: not guessed from other files' lines.
	[[ $stderr == *"mr-tail: log.1.gz: gzip is not installed; 40 bytes after offset 0 were not read"* ]]
}

@test "a file deleted while stopped after it was read to its end: no notice, and -v counts an unknown loss" {
	seq 5 >log
	once log >out
	rotate
	rm log.1
	seq 6 7 >>log
	run --separate-stderr mr-tail -v --once -s st log
	[[ $output == "$(seq 6 7)" ]]
	[[ $stderr == "mr-tail: log: following new file
$(counters 2 0 0 0 1)" ]]
	echo 8 >>log
	run --separate-stderr mr-tail -v --once -s st log
	[[ $output == 8 && $stderr == "$(counters 1 0 0 0 0)" ]]
}

@test "an uncommitted batch's file deleted before the retry: its loss named and counted exactly" {
	seq 3 >log
	once log >out
	seq 4 100 >>log
	once --no-commit log >/dev/null	# the job fails: never committed
	rotate
	seq 101 103 >>log
	rm log.1
	run --separate-stderr mr-tail -v -b --once --no-commit -s st log
	[[ $status -eq 0 && $output == "$(seq 101 103)" ]]
	[[ $stderr == "mr-tail: log: deleted while stopped; 286 bytes (97 lines) after offset 6 were not read
mr-tail: log: following new file
$(counters 3 286 97 1 0)" ]]
}

@test "an uncommitted batch's file compressed with no decompressor: its bytes and lines exactly" {
	need_tool xz
	seq 5 >log
	once log >out
	seq 6 20 >>log
	once --no-commit log >/dev/null
	rotate
	xz log.1
	seq 21 25 >>log
	run --separate-stderr env PATH="${MR_BIN:-$MR_ROOT/bin}" mr-tail -v --once --no-commit -s st log
	[[ $status -eq 0 && $output == "$(seq 21 25)" ]]
	[[ ${stderr_lines[0]} == "mr-tail: log: not found, probably compressed as log.1.xz, and xz is not installed; 41 bytes (15 lines) after offset 10 were not read" ]]
}

notice_said() { grep -q 'were not read' err; }
@test "a loss a restart reports is checkpointed before reading: a kill -9 then does not report it again" {
	gzipped_while_stopped
	{ for i in $(seq 20000); do printf '%05d %0200d\n' "$i" 0; done; } >log
	mkfifo fifo
	env PATH="${MR_BIN:-$MR_ROOT/bin}" mr-tail -s st log >fifo 2>err &
	TPID=$!
	exec {r}<fifo	# never read: the restart blocks on its first lines
	wait_for notice_said
	wait_for sleeping "$TPID"
	kill -9 "$TPID"
	wait "$TPID" 2>/dev/null || true
	TPID=
	exec {r}<&-
	[[ $(cat err) == "mr-tail: log: not found, probably compressed as log.1.gz, and gzip is not installed; 40 bytes after offset 80 were not read
mr-tail: log: following new file" ]]
	# What reached the pipe before the kill may have been checkpointed
	# (the state covers what was written, read or not): the rest comes.
	local off
	off=$(state_offset)
	run --separate-stderr env PATH="${MR_BIN:-$MR_ROOT/bin}" mr-tail --once -s st log
	[[ $status -eq 0 && -z $stderr ]]
	[[ ${#lines[@]} -eq $(((20000 * 207 - off) / 207)) ]]
}

@test "a file rewritten while stopped after a full read: a notice, nothing counted lost" {
	printf 'line %s\n' $(seq 10) >log
	once log >out
	seq 3 >log
	run --separate-stderr mr-tail -v --once -s st log
	[[ $output == "$(seq 3)" ]]
	[[ $stderr == "mr-tail: log: changed while stopped (truncated or rewritten); reading from the start
$(counters 3 0 0 0 1)" ]]
}

# --- also found: inode reuse is a new file, not "changed while stopped"
@test "an inode reused by a new file while stopped: a new file from 0, no false 'changed' notice" {
	local ino i
	seq 5 >log
	once log >out
	ino=$(stat -c %i log)
	rm log
	for ((i = 0; i < 50; i++)); do	# ext4 and tmpfs hand a freed inode out again
		echo "new $i" >log
		[[ $(stat -c %i log) == "$ino" ]] && break
		mv log "other.$i"
	done
	[[ $(stat -c %i log) == "$ino" ]] || skip "this file system did not reuse the inode"
	[[ $(stat -c %W log) != 0 && $(stat -c %W log) != - ]] || skip "no birth times on this file system"
	local want="new $i"	# (run changes i)
	run --separate-stderr once log
	[[ $output == "$want" ]]
	[[ $stderr == "mr-tail: log: following new file" ]]
}

# --- also found: a torn line left by a killed run is cut, not glued
# killed_after_3: a live run wrote 1..3 of log to out and checkpointed
# them (so the restart repeats none), then was killed -9.
killed_after_3() {
	seq 3 >log
	tail_bg -b -s st log
	wait_for has_line 3
	wait_for awk '$1 == "F" && $6 == 6 { f = 1 } END { exit !f }' st
	kill -9 "$TPID"
	wait "$TPID" 2>/dev/null || true
	TPID=
}

@test "a line half-written by a killed run at the end of the output file is cut, with a notice" {
	killed_after_3
	grep -q '^O W ' st	# the state says a run was writing to out
	printf 'partial li' >>out	# as a run killed inside a write(2) leaves it
	seq 4 5 >>log
	run --separate-stderr bash -c 'mr-tail --once -s st log >>out'
	[[ $status -eq 0 ]]
	[[ $stderr == "mr-tail: standard output: ended inside a line (a run killed while writing it); cut its 10 bytes, the line comes again whole" ]]
	[[ $(cat out) == "$(seq 5)" ]]
	grep -q '^O D ' st
}

@test "bytes at the end of the output file that no run of the state wrote are never cut" {
	head -c 100000 /dev/zero | tr '\0' a >data	# another program's, no newline
	seq 2 >log
	run --separate-stderr bash -c 'mr-tail -b --once -s st log >>data'
	[[ $status -eq 0 ]]
	[[ $stderr == "mr-tail: standard output: ends inside a line this state's runs did not write; left as it is (the first line written goes on after it)" ]]
	[[ $(stat -c %s data) == 100004 ]]
	# After a run that ended cleanly, a partial line is someone else's too.
	printf 'theirs' >>data
	echo 3 >>log
	run --separate-stderr bash -c 'mr-tail --once -s st log >>data'
	[[ $status -eq 0 && $(tail -c 8 data | od -An -c | tr -d ' ') == 'theirs3\n' ]]
	[[ $stderr == "mr-tail: standard output: ends inside a line this state's runs did not write; left as it is (the first line written goes on after it)" ]]
}

@test "a killed run's torn line is cut only past what the state saw written to that same file" {
	killed_after_3
	# Another file in the place of out: the record is not its own.
	cp out out2 && printf 'partial' >>out2
	run --separate-stderr bash -c 'mr-tail --once -s st log >>out2'
	[[ $status -eq 0 && $(tail -c 7 out2) == partial ]]
	[[ $stderr == "mr-tail: standard output: ends inside a line this state's runs did not write; left as it is (the first line written goes on after it)" ]]
}

sleeping() { [[ $(cut -d' ' -f3 "/proc/$1/stat") == S ]]; }
@test "output into a pipe is written in whole lines only (a kill -9 leaves no partial line)" {
	{ for i in $(seq 2000); do printf '%05d %0200d\n' "$i" 0; done; } >log
	mkfifo fifo
	mr-tail -b log >fifo &
	TPID=$!
	exec {r}<fifo
	head -c 1000 <&"$r" >/dev/null	# a slow reader: the pipe fills
	wait_for sleeping "$TPID"
	kill -9 "$TPID"
	wait "$TPID" 2>/dev/null || true
	TPID=
	cat <&"$r" >rest
	exec {r}<&-
	[[ $(tail -c 1 rest | od -An -c | tr -d ' ') == '\n' ]]
}

# --- outside attack: one run per state, and a state that can be written
@test "a second run with the same state fails, status 1, while the first holds it" {
	seq 3 >log
	tail_bg -b -s st log
	wait_for has_line 3
	run --separate-stderr mr-tail --once -s st log
	[[ $status -eq 1 && $output == "" ]]
	[[ $stderr == "mr-tail: st: in use by another mr-tail run with this state" ]]
	run --separate-stderr mr-tail --commit -s st
	[[ $status -eq 1 && $stderr == "mr-tail: st: in use by another mr-tail run with this state" ]]
	kill -9 "$TPID"		# the lock dies with the process
	wait "$TPID" 2>/dev/null || true
	TPID=
	echo 4 >>log
	run --separate-stderr mr-tail --once -s st log
	[[ $status -eq 0 && $output == 4 ]]
	[[ -z $(ls -A | grep -vx -e err -e log -e out -e st -e 'separate-stderr-.*') ]]	# no lock file left
}

@test "two first runs with one new state: one of them runs, the other fails" {
	seq 100000 >log
	mkfifo fifo
	mr-tail -b -s st log >fifo 2>err1 &
	TPID=$!
	exec {r}<fifo
	head -n 1 <&"$r" >/dev/null	# it started and holds the state
	run --separate-stderr mr-tail -b --once -s st log
	[[ $status -eq 1 && $output == "" ]]
	[[ $stderr == "mr-tail: st: in use by another mr-tail run with this state" ]]
	exec {r}<&-
}

@test "a state that cannot be written stops the run before any line is written" {
	seq 3 >log
	run --separate-stderr mr-tail -b --once -s nodir/st log
	[[ $status -eq 1 && $output == "" ]]
	[[ $stderr == "mr-tail: nodir/st: No such file or directory" ]]
	# A state it knows, then one it cannot replace (a file size limit of
	# 0; the lines would go to a pipe, which no limit stops).
	mr-tail -b --once -s st log >out
	echo 4 >>log
	run bash -c 'set -o pipefail; (ulimit -f 0; mr-tail --once -s st log) | cat'
	[[ $status -eq 1 && $output == "mr-tail: st: write error: File too large" ]]
	run mr-tail --once -s st log
	[[ $status -eq 0 && $output == 4 ]]
}

@test "the state advances while a slow reader holds the output back" {
	seq 1 5000000 >log	# 38 MB: seconds at the reader's pace
	mkfifo fifo
	mr-tail -b -s st log >fifo 2>err &
	TPID=$!
	{ while dd bs=256k count=1 status=none >/dev/null; do sleep 0.005; done; } <fifo &
	WPID=$!
	advanced() { local o; o=$(state_offset); [[ -n $o ]] && ((o > 0)); }
	WAIT_SECONDS=30 wait_for advanced
	# Checkpointed, not yet all read: what reached the pipe is recorded.
	(($(state_offset) < $(stat -c %s log)))
	kill -9 "$TPID" "$WPID"
	wait "$TPID" "$WPID" 2>/dev/null || true
	TPID= WPID=
}

# --- outside attack: out of file descriptors
@test "out of descriptors: rotated files read to their end are closed early, no line lost" {
	echo 0 >log
	(ulimit -n 20 && exec mr-tail -b --rotate-wait 60000 log >out 2>err 3>&-) &
	TPID=$!
	wait_for has_line 0
	for i in $(seq 40); do
		mv log "old$i"
		echo "$i" >log
		WAIT_SECONDS=4 wait_for has_line "$i"
	done
	tail_stop
	cmp out <(seq 0 40)
}

# --- attack F4: a log through a symbolic link, rotated beside its target
@test "a link to a log renamed twice in the target's directory while stopped: every line, in order" {
	mkdir real links
	ln -s ../real/app.log links/app.log
	seq 1 3 >real/app.log
	once links/app.log >out
	seq 4 6 >>real/app.log
	mv real/app.log real/app.log.1
	seq 7 9 >real/app.log
	mv real/app.log.1 real/app.log.2
	mv real/app.log real/app.log.1
	seq 10 12 >real/app.log
	run --separate-stderr once links/app.log
	[[ $status -eq 0 && $output == "$(seq 4 12)" ]]
	[[ $stderr == "mr-tail: links/app.log: rotated while stopped; reading the rest of links/../real/app.log.2 first
mr-tail: links/app.log: rotated before it was read; reading links/../real/app.log.1
mr-tail: links/app.log: following new file" ]]
}

@test "Kubernetes' layout: containers/x.log -> pods/.../0.log, dated rotations beside 0.log while stopped" {
	mkdir -p containers pods/ns_pod_uid/app
	ln -s "$PWD/pods/ns_pod_uid/app/0.log" containers/x.log
	seq 1 3 >pods/ns_pod_uid/app/0.log
	once containers/x.log >out
	seq 4 6 >>pods/ns_pod_uid/app/0.log
	mv pods/ns_pod_uid/app/0.log pods/ns_pod_uid/app/0.log.20261204-101010
	seq 7 9 >pods/ns_pod_uid/app/0.log
	mv pods/ns_pod_uid/app/0.log pods/ns_pod_uid/app/0.log.20261204-111111
	seq 10 12 >pods/ns_pod_uid/app/0.log
	once containers/x.log >>out 2>err
	cmp out <(seq 12)
	grep -qF "reading $PWD/pods/ns_pod_uid/app/0.log.20261204-111111" err
}

s_link_live() {
	mkdir real links
	ln -s ../real/log links/log
	tail_ready real/log	# makes real/log; followed through the link below
	tail_stop
	: >out
	tail_bg -b links/log
	wait_for has_line ready
	kill -STOP "$TPID"
	echo a >>real/log
	rotate real/log
	echo b >>real/log
	rotate real/log
	echo c >>real/log
	kill -CONT "$TPID"
	wait_for has_line c
	tail_stop
	[[ $(cat out) == $'ready\na\nb\nc' ]]
}
@test "inotify: a link to a log rotated twice beside its target while the reader is blocked" { s_link_live; }
@test "polling: a link to a log rotated twice beside its target while the reader is blocked" { POLL=50 s_link_live; }

# --- attack F5: a link retargeted while stopped
@test "a link retargeted while stopped: the rest of its earlier target, then the new one" {
	seq 1 3 >app-1.log
	ln -s app-1.log current.log
	once current.log >out
	seq 4 6 >>app-1.log
	seq 7 9 >app-2.log
	ln -sfn app-2.log current.log
	run --separate-stderr once current.log
	[[ $status -eq 0 && $output == "$(seq 4 9)" ]]
	[[ $stderr == "mr-tail: current.log: retargeted while stopped; reading the rest of app-1.log first
mr-tail: current.log: following new file" ]]
	run once current.log	# nothing again
	[[ -z $output ]]
}

# --- attack F11: --once and a rotated file's unterminated last line
# rotated_with_part: 1 2 read by --once from app.log, which ends in "part"
# (no newline), rotated to app.log.1; 3 4 read from the new app.log.
rotated_with_part() {
	printf '1\n2\npart' >app.log
	once app.log >out
	mv app.log app.log.1
	seq 3 4 >app.log
	once app.log >>out 2>err
}
@test "--once: a rotated file's unterminated last line, idle past --rotate-wait, is written with a newline, once" {
	rotated_with_part
	[[ $(cat out) == "$(seq 4)" ]]	# written to just now: the line may go on
	touch -d '-1 hour' app.log.1
	run --separate-stderr once -v app.log
	[[ $status -eq 0 && $output == part ]]
	[[ $stderr == *"
$(counters 1 0 0 0 0)" ]]
	run --separate-stderr once app.log	# done with it: nothing, no notice
	[[ $status -eq 0 && -z $output && -z $stderr ]]
}

@test "--once: a rotated file deleted with an unterminated last line pending: a named loss" {
	rotated_with_part
	rm app.log.1
	run --separate-stderr once -v app.log
	[[ $status -eq 0 && -z $output ]]
	[[ $stderr == *"app.log.1: deleted while stopped; 4 bytes "*" after offset 4 were not read"* ]]
}

# --- attack 18 F13: --once: an idle rotated file's unterminated last line
# comes right after its other lines, before the newer file's
idle_part_order() {
	printf "$1" >app.log
	once app.log >out
	mv app.log app.log.1
	touch -d '-1 hour' app.log.1	# the writer died mid-line long ago
	echo 7 >app.log
	once -w 1000 app.log >>out
}
@test "--once: an idle rotated file's unterminated last line comes before the newer file's lines" {
	idle_part_order '1\n12345 part'
	[[ $(cat out) == $'1\n12345 part\n7' ]]
}
@test "--once: an idle rotated file that held only an unterminated line: it comes before the newer file's lines" {
	idle_part_order '12345 part'
	[[ $(cat out) == $'12345 part\n7' ]]
}
@test "--once: a rotated file written within --rotate-wait keeps its unterminated line" {
	printf '1\n12345 part' >app.log
	once app.log >out
	mv app.log app.log.1
	echo 7 >app.log
	once -w 60000 app.log >>out
	[[ $(cat out) == $'1\n7' ]]
	printf 'ial\n' >>app.log.1
	touch -d '-1 hour' app.log.1
	once -w 1000 app.log >>out
	[[ $(cat out) == $'1\n7\n12345 partial' ]]
}

# --- attack F12: identical lines defeat fingerprints: said, never "nothing lost"
@test "identical lines, copytruncate and regrowth past the offset while stopped: an unknown loss is said" {
	yes ok | head -n 100 >app.log
	once app.log >out
	yes ok | head -n 20 >>app.log
	cp app.log app.log.1
	: >app.log
	yes ok | head -n 150 >>app.log
	run --separate-stderr once -v app.log
	[[ $status -eq 0 ]]
	[[ $stderr == *"app.log: app.log.1, made since, holds the same bytes before offset 300 as app.log and more; repeated lines cannot tell a copy from a new generation: an unknown amount may be lost"* ]]
	[[ $stderr == *"
$(counters 50 0 0 0 1)" ]]
}

@test "distinct lines, a copy of the log made while stopped (copytruncate not finished): nothing said" {
	seq 100 >app.log
	once app.log >out
	seq 101 120 >>app.log
	cp app.log app.log.1
	run --separate-stderr once -v app.log
	[[ $status -eq 0 && $output == "$(seq 101 120)" ]]
	[[ $stderr == "$(counters 20 0 0 0 0)" ]]
}
