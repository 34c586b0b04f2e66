#!/usr/bin/env bats
# mr-tail restarted from its state (--once from cron, a stopped follower):
# the findings of outside attack 18 on the restart paths -- a log named
# another way, a log of which no whole line was read, a hole left by a
# copytruncate, a rotation caught between its rename and its create, a
# finished generation compressed later.
bats_require_minimum_version 1.5.0
load helper
load mr-tail

once() { mr-tail -b --once -s st "$@"; }

# --- attack 18, finding 4
@test "copytruncate while stopped, a writer without O_APPEND: the hole's NUL bytes are skipped" {
	: >app.log
	exec 4<>app.log			# at its own offset, as 'prog > app.log'
	printf 'line %d\n' 1 2 3 >&4
	once app.log >out
	cp app.log app.log.1
	: >app.log
	printf 'line %d\n' 4 5 >&4	# at offset 21: a hole of 21 NUL bytes before it
	exec 4>&-
	once app.log >out2 2>err
	printf 'line %d\n' 4 5 | cmp - out2
	grep -qF 'changed while stopped' err
}

# --- attack 18, finding 10
@test "--once between a rotation's rename and its create: the rest of the rotated file, status 0" {
	seq 1 3 >app.log
	once app.log >out
	seq 4 6 >>app.log
	mv app.log app.log.1
	run --separate-stderr once -v app.log
	[[ $status -eq 0 && $output == "$(seq 4 6)" ]]
	[[ $stderr == "mr-tail: app.log: rotated while stopped; reading the rest of app.log.1 first
mr-tail: app.log: does not exist (rotated, not created again yet); reading the rest of its rotated file
$(counters 3 0 0 0 0)" ]]
	run --separate-stderr once app.log	# without -v: nothing said
	[[ $status -eq 0 && -z $output && -z $stderr ]]
	seq 7 8 >app.log
	run --separate-stderr once app.log
	[[ $status -eq 0 && $output == "$(seq 7 8)" ]]
}

@test "--once: a missing log the state does not describe, or whose files are all gone, is still an error" {
	run --separate-stderr once app.log
	[[ $status -eq 1 && $stderr == "mr-tail: app.log: No such file or directory" ]]
	seq 1 3 >app.log
	once app.log >out
	rm app.log
	run --separate-stderr once app.log
	[[ $status -eq 1 && $stderr == "mr-tail: app.log: No such file or directory" ]]
}

# --- attack 18, finding 3
s_partial_rotated() {
	printf '12345 part' >app.log
	once app.log >out		# no whole line: nothing written
	printf 'ial\n6\n' >>app.log
	mv app.log app.log.1
	[[ -z ${1-} ]] || gzip app.log.1
	echo 7 >app.log
	run --separate-stderr once -v app.log
	[[ $status -eq 0 && $output == $'12345 partial\n6\n7' ]]
	[[ $stderr == "mr-tail: app.log: rotated before it was read; reading app.log.1${1-}
mr-tail: app.log: following new file
$(counters 3 0 0 0 0)" ]]
}
@test "a log of which no whole line was read, completed and rotated while stopped: every line, nothing said lost" { s_partial_rotated; }
@test "a log of which no whole line was read, completed, rotated and gzipped while stopped: nothing said lost" {
	need_tool gzip
	s_partial_rotated .gz
}
@test "a log of which no whole line was read, deleted while stopped: its bytes are named lost" {
	printf '12345 part' >app.log
	once app.log >out
	rm app.log
	echo 7 >app.log
	run --separate-stderr once -v app.log
	[[ $status -eq 0 && $output == 7 ]]
	[[ $stderr == "mr-tail: app.log: deleted while stopped; 10 bytes after offset 0 were not read
mr-tail: app.log: following new file
$(counters 1 10 0 1 0)" ]]
}

# --- attack 18, finding 2
@test "a log spelled otherwise (./app.log, app.log, its absolute path, a linked directory) is the same log to the state" {
	mkdir d
	ln -s d link
	seq 1 3 >d/app.log
	run --separate-stderr once ./d/app.log
	[[ $status -eq 0 && $output == "$(seq 1 3)" && -z $stderr ]]
	seq 4 5 >>d/app.log
	run --separate-stderr once d/app.log
	[[ $status -eq 0 && $output == "$(seq 4 5)" && -z $stderr ]]
	seq 6 7 >>d/app.log
	run --separate-stderr mr-tail --once -s st "$PWD/d/app.log"	# no -b
	[[ $status -eq 0 && $output == "$(seq 6 7)" && -z $stderr ]]
	seq 8 9 >>d/app.log
	run --separate-stderr once link/app.log
	[[ $status -eq 0 && $output == "$(seq 8 9)" && -z $stderr ]]
	(($(grep -c '^F ' st) == 1))
}

@test "the same log named twice in one run is followed once, with a notice" {
	seq 1 3 >app.log
	run --separate-stderr once app.log ./app.log app.log
	[[ $status -eq 0 && $output == "$(seq 1 3)" ]]
	[[ $stderr == "mr-tail: ./app.log: the same file as app.log; followed once
mr-tail: app.log: the same file as app.log; followed once" ]]
}

@test "a log whose directory moved is known by its file's identity: its state is continued under the new name" {
	mkdir d
	seq 1 3 >d/app.log
	once d/app.log >out
	mv d e
	seq 4 5 >>e/app.log
	run --separate-stderr once e/app.log
	[[ $status -eq 0 && $output == "$(seq 4 5)" ]]
	[[ $stderr == "mr-tail: e/app.log: known to the state as $(realpath .)/d/app.log: continued from there" ]]
	run --separate-stderr once e/app.log
	[[ $status -eq 0 && -z $output && -z $stderr ]]
	! grep -q "/d/app.log" st
}
