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
