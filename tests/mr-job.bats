#!/usr/bin/env bats
# mr-job: a Hadoop Streaming job on one machine, with Hadoop's output; and
# mr-hadoop, the same command line on a cluster.
bats_require_minimum_version 1.5.0
load helper

# words N SEED: N lines of random words from a small vocabulary.
words() {
	mawk -v n="$1" -v seed="$2" 'BEGIN {
		srand(seed)
		split("the a of and hello apple banana é Zürich x yy zzz data", w, " ")
		for (i = 0; i < n; i++) {
			m = 1 + int(rand() * 8); line = ""
			for (j = 0; j < m; j++)
				line = line (j ? " " : "") w[1 + int(rand() * 13)] int(rand() * 30)
			print line
		}
	}'
}

# wordcount FILE...: the reference count, "word TAB n", in C byte order.
wordcount() {
	cat "$@" | tr -s ' ' '\n' | grep -v '^$' | LC_ALL=C sort | uniq -c |
	    mawk '{ print $2 "\t" $1 }'
}

# started: a map task of the job has begun.
started() {
	compgen -G 'tmp/mr-job.*/m0/work/started' >/dev/null
}

# counter NAME: the value of counter NAME in the job's stderr ($stderr).
counter() {
	printf '%s\n' "$stderr" | sed -n "s/^[[:space:]]*$1=//p"
}

@test "a job writes one sorted part file per reducer, an empty _SUCCESS and nothing else" {
	words 3000 1 >in.txt
	run --separate-stderr mr-job -input in.txt -output out -mapper 'mr-map -w' \
	    -reducer 'mr-reduce count' -numReduceTasks 3
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ "$(ls -A out)" = "$(printf '%s\n' _SUCCESS part-00000 part-00001 part-00002)" ]
	[ ! -s out/_SUCCESS ]
	local p
	for p in out/part-*; do
		LC_ALL=C sort -c -t "$TAB" -k1,1 -s "$p"
	done
	cat out/part-* | LC_ALL=C sort | diff - <(wordcount in.txt)
}

@test "each key lands in the partition of Hadoop's HashPartitioner" {
	printf '%s\n' a the hello é apple banana "" >keys.txt
	run mr-job -input keys.txt -output r3 -mapper "mawk '{ print \$0 \"\\t\" 1 }'" \
	    -reducer 'mr-reduce count' -numReduceTasks 3
	[ "$status" -eq 0 ]
	[ "$(cat r3/part-00000)" = "apple${TAB}1" ]
	[ "$(cat r3/part-00001)" = "$(printf '\t1\nthe\t1')" ]
	[ "$(cat r3/part-00002)" = "$(printf 'a\t1\nbanana\t1\nhello\t1\né\t1')" ]
	run mr-job -D mapreduce.job.reduces=10 -input keys.txt -output r10 \
	    -mapper "mawk '{ print \$0 \"\\t\" 1 }'" -reducer 'mr-reduce count'
	[ "$status" -eq 0 ]
	[ "$(cat r10/part-00001)" = "$(printf '\t1\napple\t1\né\t1')" ]
	[ "$(cat r10/part-00002)" = "$(printf 'banana\t1\nthe\t1')" ]
	[ "$(cat r10/part-00003)" = "hello${TAB}1" ]
	[ "$(cat r10/part-00008)" = "a${TAB}1" ]
	[ "$(cat r10/part-00000 r10/part-00004 r10/part-00005 r10/part-00006 \
	    r10/part-00007 r10/part-00009)" = "" ]
}

@test "random jobs over several files equal the reference count, for 1 to 4 reducers" {
	words 2000 2 >a.txt
	words 500 3 >b.txt
	mkdir dir && words 700 4 >dir/c.txt && words 10 5 >dir/_hidden && words 10 6 >dir/.dot
	local r
	for r in 1 2 4; do
		run mr-job -D mapreduce.job.maps=3 -input a.txt -input 'b.*,dir' \
		    -output out$r -mapper 'mr-map -w' -reducer 'mr-reduce count' \
		    -numReduceTasks $r -P 2
		[ "$status" -eq 0 ]
		cat out$r/part-* | LC_ALL=C sort | diff - <(wordcount a.txt b.txt dir/c.txt)
	done
}

@test "without -reducer the output is the sorted map output (identity reducer)" {
	printf 'b\t2\na\t1\nc\t3\na\t0\n' >in.txt
	run mr-job -input in.txt -output out -mapper cat
	[ "$status" -eq 0 ]
	[ "$(cut -f1 out/part-00000)" = "$(printf 'a\na\nb\nc')" ]
}

@test "an existing output directory is refused and left untouched" {
	echo x >in.txt
	mkdir out && echo keep >out/mine
	run --separate-stderr mr-job -input in.txt -output out -mapper cat
	[ "$status" -eq 1 ]
	[ "$stderr" = "mr-job: output directory file:$PWD/out already exists" ]
	[ "$(ls -A out)" = mine ]
	[ "$(cat out/mine)" = keep ]
}

@test "a failing mapper fails the job with its task id, command, status and stderr" {
	words 50 7 >in.txt
	run --separate-stderr mr-job -D mapreduce.job.maps=1 -input in.txt -output out \
	    -mapper "sh -c 'cat >/dev/null; echo first >&2; echo bad line 7 >&2; exit 3'"
	[ "$status" -eq 1 ]
	[ "${stderr_lines[0]}" = "mr-job: sh -c 'cat >/dev/null; echo first >&2; echo bad line 7 >&2; exit 3': mapper of task attempt_local_0001_m_000000_0: exit status 3" ]
	[ "${stderr_lines[1]}" = "mr-job:   input split: file:$PWD/in.txt:0+$(stat -c %s in.txt)" ]
	[ "${stderr_lines[2]}" = "mr-job:   last lines of its stderr:" ]
	[ "${stderr_lines[3]}" = "    first" ]
	[ "${stderr_lines[4]}" = "    bad line 7" ]
	[ "${stderr_lines[5]}" = "mr-job: job job_local_0001 failed; no output written" ]
	[ ! -e out ]
}

@test "a failing reducer fails the job and leaves no part file and no _SUCCESS" {
	words 200 8 >in.txt
	run --separate-stderr mr-job -input in.txt -output out -mapper 'mr-map -w' \
	    -reducer "sh -c 'cat >/dev/null; echo reducer broke >&2; exit 4'" -numReduceTasks 2
	[ "$status" -eq 1 ]
	[[ ${stderr_lines[0]} == "mr-job: sh -c 'cat >/dev/null; echo reducer broke >&2; exit 4': reducer of task attempt_local_0001_r_00000"[01]"_0: exit status 4" ]]
	[ "${stderr_lines[1]}" = "mr-job:   last lines of its stderr:" ]
	[ "${stderr_lines[2]}" = "    reducer broke" ]
	[ ! -e out ]
}

@test "a mapper killed by a signal, or one that stops reading its input, fails the job" {
	words 50 9 >in.txt
	run --separate-stderr mr-job -P 1 -input in.txt -output out -mapper "sh -c 'kill -9 \$\$'"
	[ "$status" -eq 1 ]
	[ "${stderr_lines[0]}" = "mr-job: sh -c 'kill -9 \$\$': mapper of task attempt_local_0001_m_000000_0: killed by signal 9 (SIGKILL)" ]
	# More input than a pipe holds, so that the writer sees the closed pipe.
	words 100000 10 >big.txt
	run --separate-stderr mr-job -P 1 -input big.txt -output out -mapper 'head -n 1'
	[ "$status" -eq 1 ]
	[ "${stderr_lines[0]}" = "mr-job: head -n 1: mapper of task attempt_local_0001_m_000000_0: stopped reading its input (Broken pipe)" ]
	[ ! -e out ]
}

@test "a command that leaves more than 64 KiB plus the input's last part of 128 KiB unread fails; no more is accepted" {
	local i n=300000 limit
	# 300000 bytes: the last part after whole 128 KiB is 37856 bytes, so
	# the limit is 65536 + 37856 unread bytes (mr-job(1), Failures).
	for ((i = 0; i < 3000; i++)); do printf '%099d\n' "$i"; done >in.txt
	limit=$((65536 + 37856))
	run --separate-stderr mr-job -D mapreduce.job.maps=1 -input in.txt -output ok \
	    -mapper "sh -c 'head -c $((n - limit)) >/dev/null'" -reducer cat
	[ "$status" -eq 0 ]
	run --separate-stderr mr-job -D mapreduce.job.maps=1 -input in.txt -output bad \
	    -mapper "sh -c 'head -c $((n - limit - 1)) >/dev/null'" -reducer cat
	[ "$status" -eq 1 ]
	[ "${stderr_lines[0]}" = "mr-job: sh -c 'head -c $((n - limit - 1)) >/dev/null': mapper of task attempt_local_0001_m_000000_0: stopped reading its input (Broken pipe)" ]
	[ ! -e bad ]
	# A reducer too; a small input is taken whole by Hadoop's buffer, so
	# stopping early there is no failure.
	seq 1 70000 >mid.txt
	run --separate-stderr mr-job -input mid.txt -output rh -mapper cat -reducer 'head -n 1'
	[ "$status" -eq 1 ]
	[ "${stderr_lines[0]}" = "mr-job: head -n 1: reducer of task attempt_local_0001_r_000000_0: stopped reading its input (Broken pipe)" ]
	seq 1 10 >small.txt
	run --separate-stderr mr-job -input small.txt -output small -mapper 'head -n 1' -reducer 'head -n 1'
	[ "$status" -eq 0 ]
	[ "$(cat small/part-00000)" = "1${TAB}" ]
}

@test "a program that does not exist fails before anything is written" {
	echo x >in.txt
	run --separate-stderr mr-job -input in.txt -output out -mapper 'no-such-mapper -x'
	[ "$status" -eq 1 ]
	[ "$stderr" = "mr-job: -mapper: no-such-mapper: command not found" ]
	[ ! -e out ]
	# commands run without a shell: a builtin or keyword is not a program
	run --separate-stderr mr-job -input in.txt -output out -mapper cat -reducer 'exit 4'
	[ "$status" -eq 1 ]
	[ "$stderr" = "mr-job: -reducer: exit: a shell builtin, not a program (commands run without a shell: use sh -c '...')" ]
	run --separate-stderr mr-job -input in.txt -output out -mapper 'if true'
	[ "$status" -eq 1 ]
	[ "$stderr" = "mr-job: -mapper: if: a shell keyword, not a program (commands run without a shell: use sh -c '...')" ]
	[ ! -e out ]
	run --separate-stderr mr-job -input missing.txt -output out -mapper cat
	[ "$status" -eq 1 ]
	[ "$stderr" = "mr-job: input path does not exist: file:$PWD/missing.txt" ]
	[ ! -e out ]
}

@test "a combiner gives the same output and shows in the counters" {
	words 3000 11 >in.txt
	run --separate-stderr mr-job -input in.txt -output plain -mapper 'mr-map -w' \
	    -reducer 'mr-reduce count' -numReduceTasks 2
	[ "$status" -eq 0 ]
	[ "$(counter 'Combine input records')" = 0 ]
	local mapout
	mapout=$(counter 'Map output records')
	[ "$mapout" = "$(tr -s ' ' '\n' <in.txt | grep -c .)" ]
	run --separate-stderr mr-job -D mapreduce.job.maps=2 -input in.txt -output comb \
	    -mapper 'mr-map -w' -combiner 'mr-reduce count' -reducer 'mr-reduce sum' \
	    -numReduceTasks 2 -P 2
	[ "$status" -eq 0 ]
	diff plain/part-00000 comb/part-00000
	diff plain/part-00001 comb/part-00001
	[ "$(counter 'Combine input records')" = "$mapout" ]
	local combout
	combout=$(counter 'Combine output records')
	[ "$combout" -lt "$mapout" ]
	[ "$(counter 'Reduce input records')" = "$combout" ]
	[ "$(counter 'Reduce input groups')" = "$(cat comb/part-* | wc -l)" ]
}

@test "a combiner that changes the key order fails the job and says so" {
	printf 'a\nb\nc\n' >in.txt
	run --separate-stderr mr-job -D mapreduce.job.maps=1 -input in.txt -output out \
	    -mapper cat -combiner 'sort -r' -reducer 'mr-reduce count'
	[ "$status" -eq 1 ]
	[ "${stderr_lines[0]}" = "mr-job: task attempt_local_0001_r_000000_0: merging the map outputs failed: exit status 1 (the combiner 'sort -r' must keep the order of its input's keys)" ]
	[ ! -e out ]
}

@test "on a terminal a progress line shows the share of finished tasks" {
	need_tool script
	words 100 16 >in.txt
	script -qec "mr-job -input in.txt -output out -mapper 'mr-map -w' -reducer 'mr-reduce count' 2>/dev/tty" typescript >/dev/null
	[ -e out/_SUCCESS ]
	grep -q $'\r map 100% reduce 100%' typescript
}

@test "a map-only job writes one part per map task and gives a line without a TAB a trailing TAB" {
	printf 'no tab\nkey\tvalue\n\n' >a.txt
	printf 'x\r\nlast' >b.txt
	run --separate-stderr mr-job -D mapreduce.job.maps=1 -input a.txt,b.txt -output out \
	    -mapper cat -numReduceTasks 0
	[ "$status" -eq 0 ]
	[ "$(ls out)" = "$(printf '%s\n' _SUCCESS part-00000 part-00001)" ]
	# Splits are numbered largest first, as Hadoop's job submitter orders them.
	[ "$(cat -A out/part-00000)" = "$(printf '%s\n' 'no tab^I$' 'key^Ivalue$' '^I$')" ]
	[ "$(cat -A out/part-00001)" = "$(printf '%s\n' 'x^I$' 'last^I$')" ]
	run mr-job -D mapreduce.job.maps=1 -input a.txt -output none -mapper cat -reducer NONE
	[ "$status" -eq 0 ]
	[ "$(ls none)" = "$(printf '%s\n' _SUCCESS part-00000)" ]
}

@test "reducer output without a TAB gets a trailing TAB, and the reducer gets key TAB value" {
	printf 'alpha\nbeta\tb\n' >in.txt
	run mr-job -input in.txt -output out -mapper cat -reducer "sh -c 'cat; echo end'"
	[ "$status" -eq 0 ]
	[ "$(cat -A out/part-00000)" = "$(printf '%s\n' 'alpha^I$' 'beta^Ib$' 'end^I$')" ]
}

@test "a reducer with no input is started but its output is dropped, as Hadoop drops it" {
	# Hadoop 3.1.3 (PipeMapRed.waitOutputThreads) runs the reducer of an
	# empty partition and discards what it writes: part-00001 stays empty.
	printf 'a\n' >in.txt
	run mr-job -input in.txt -output out -mapper cat -reducer "sh -c 'cat; echo ran; touch ../../ran.\$mapreduce_task_partition'" \
	    -numReduceTasks 3
	[ "$status" -eq 0 ]
	[ "$(cat out/part-00002)" = "$(printf 'a\t\nran\t')" ]
	[ ! -s out/part-00000 ] && [ ! -s out/part-00001 ]
	: >empty.txt
	run mr-job -input empty.txt -output out2 -mapper cat -reducer "sh -c 'cat; echo ran; exit 3'"
	[ "$status" -eq 1 ]
	[[ $output == *": reducer of task attempt_local_0001_r_000000_0: exit status 3"* ]]
}

@test "tasks get Hadoop's environment, -D properties and -cmdenv variables" {
	cat >env.sh <<-'EOF'
	#!/bin/sh
	cat >/dev/null
	printf '%s\t%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s\n' "$mapreduce_task_id" \
	    "$mapreduce_task_attempt_id" "$mapred_task_id" "$mapreduce_task_partition" \
	    "$mapreduce_task_ismap" "$mapreduce_map_input_file" "$mapreduce_map_input_start" \
	    "$mapreduce_map_input_length" "$map_input_file" "$mapreduce_job_id" \
	    "$my_custom_prop" "$GREETING" "$(cat data.txt)"
	EOF
	chmod +x env.sh
	echo shipped >data.txt
	words 30 12 >big.txt
	words 3 13 >small.txt
	run mr-job -D my.custom-prop=42 -D mapreduce.job.maps=1 -files env.sh,data.txt \
	    -input small.txt,big.txt -output out \
	    -mapper env.sh -reducer env.sh -numReduceTasks 2 -cmdenv GREETING=hi
	[ "$status" -eq 0 ]
	local b s
	b=$(stat -c %s big.txt) s=$(stat -c %s small.txt)
	# The reducers saw the map lines; their own lines are the output.
	[ "$(cat out/part-00000)" = "task_local_0001_r_000000${TAB}attempt_local_0001_r_000000_0|attempt_local_0001_r_000000_0|0|false|||||job_local_0001|42|hi|shipped" ]
	[ "$(cat out/part-00001)" = "task_local_0001_r_000001${TAB}attempt_local_0001_r_000001_0|attempt_local_0001_r_000001_0|1|false|||||job_local_0001|42|hi|shipped" ]
	run mr-job -D my.custom-prop=42 -D mapreduce.job.maps=1 -files env.sh,data.txt \
	    -input small.txt,big.txt -output maps \
	    -mapper env.sh -numReduceTasks 0 -cmdenv GREETING=hi
	[ "$status" -eq 0 ]
	[ "$(cat maps/part-00000)" = "task_local_0001_m_000000${TAB}attempt_local_0001_m_000000_0|attempt_local_0001_m_000000_0|0|true|file:$PWD/big.txt|0|$b|file:$PWD/big.txt|job_local_0001|42|hi|shipped" ]
	[ "$(cat maps/part-00001)" = "task_local_0001_m_000001${TAB}attempt_local_0001_m_000001_0|attempt_local_0001_m_000001_0|1|true|file:$PWD/small.txt|0|$s|file:$PWD/small.txt|job_local_0001|42|hi|shipped" ]
}

@test "commands are split as Streaming splits them: quotes group, no shell" {
	cat >args.sh <<-'EOF'
	#!/bin/sh
	cat >/dev/null
	for a; do printf '[%s]' "$a"; done
	echo
	EOF
	chmod +x args.sh
	echo x >in.txt
	run mr-job -P 1 -files args.sh -input in.txt -output out -numReduceTasks 0 \
	    -mapper "./args.sh 'a b'  \"c 'd\" e|f \$HOME *"
	[ "$status" -eq 0 ]
	[ "$(cat out/part-00000)" = "[a b][c 'd][e|f][\$HOME][*]${TAB}" ]
}

@test "counters from every task are summed and printed in Hadoop's layout" {
	words 400 14 >in.txt
	run --separate-stderr mr-job -D mapreduce.job.maps=4 -input in.txt -output out -P 3 \
	    -mapper "mawk 'NR == 1 { print \"a note\" > \"/dev/stderr\" } { print \"reporter:counter:My Group,lines,1\" > \"/dev/stderr\"; print \"reporter:status:busy\" > \"/dev/stderr\"; print \$1 \"\\t\" 1 }'" \
	    -reducer "mawk '{ print \"reporter:counter:My Group,reduced,2\" > \"/dev/stderr\"; print }'" \
	    -numReduceTasks 2
	[ "$status" -eq 0 ]
	[[ $stderr != *reporter:* ]]
	# Other task stderr lines pass through, once per map task.
	[ "$(printf '%s\n' "$stderr" | grep -c '^a note$')" = 4 ]
	[ "$(counter lines)" = 400 ]
	[ "$(counter reduced)" = 800 ]
	[ "$(counter 'Map input records')" = 400 ]
	[ "$(counter 'Map output records')" = 400 ]
	[ "$(counter 'Reduce input records')" = 400 ]
	[ "$(counter 'Reduce output records')" = 400 ]
	[ "$(counter 'Reduce input groups')" = "$(cut -d ' ' -f1 in.txt | sort -u | wc -l)" ]
	[ "$(counter 'Bytes Read')" = "$(stat -c %s in.txt)" ]
	[ "$(counter 'Bytes Written')" = "$(cat out/part-* | wc -c)" ]
	printf '%s\n' "$stderr" | grep -qx 'mr-job: Counters: [0-9]*'
	printf '%s\n' "$stderr" | grep -qx "${TAB}Map-Reduce Framework"
	printf '%s\n' "$stderr" | grep -qx "${TAB}My Group"
	printf '%s\n' "$stderr" | grep -qx "${TAB}${TAB}lines=400"
}

@test "counter groups come in Hadoop's order, built-in display names as Hadoop spells them" {
	printf 'a\nb\n' >in.txt
	run --separate-stderr mr-job -D mapreduce.job.maps=1 -input in.txt -output out \
	    -mapper "sh -c 'while read -r l; do echo reporter:counter:zeta,n,1 >&2; echo reporter:counter:Alpha,m,2 >&2; echo \"reporter:counter:Shuffle Errors,mine,1\" >&2; echo \"\$l\"; done'" \
	    -reducer cat
	[ "$status" -eq 0 ]
	# Seen with Hadoop 3.1.3: the framework's class groups, then all
	# others by key (a class name for the format counters).
	[ "$(printf '%s\n' "$stderr" | grep "^${TAB}[^${TAB}]")" = "$(printf '\t%s\n' \
	    'Map-Reduce Framework' Alpha 'Shuffle Errors' 'File Input Format Counters ' \
	    'File Output Format Counters ' zeta)" ]
	[ "$(counter m)" = 4 ]
}

@test "-D stream options set the key fields and the separators of map and reduce output" {
	printf 'a,x,1\na,y,2\nb,x,3\na,x,4\n' >in.txt
	run mr-job -D stream.map.output.field.separator=, -D stream.num.map.output.key.fields=2 \
	    -input in.txt -output out -mapper cat -reducer 'mr-reduce count'
	[ "$status" -eq 0 ]
	# The key "a,x" reaches the reducer as "a,x TAB 1"; two fields of
	# key, joined by the map separator.
	[ "$(cat out/part-00000)" = "$(printf 'a,x\t2\na,y\t1\nb,x\t1')" ]
	printf 'k1\tv\nk2\tw\n' >kv.txt
	run mr-job -D stream.reduce.output.field.separator=: -input kv.txt -output out2 \
	    -mapper cat -reducer "sed 's/\t/:/'"
	[ "$status" -eq 0 ]
	[ "$(cat out2/part-00000)" = "$(printf 'k1\tv\nk2\tw')" ]
	printf 'a\tb\tc\na\tb\td\na\tc\te\n' >k2.txt
	run mr-job -D stream.num.map.output.key.fields=2 -input k2.txt -output out3 \
	    -mapper cat -reducer 'mr-reduce -k 2 count' -numReduceTasks 1
	[ "$status" -eq 0 ]
	[ "$(cat out3/part-00000)" = "$(printf 'a\tb\t2\na\tc\t1')" ]
}

@test "generic options after streaming options and unknown options are usage errors" {
	echo x >in.txt
	run --separate-stderr mr-job -input in.txt -D a=b -output out -mapper cat
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "mr-job: -D: generic options come before -input (hadoop jar requires it)" ]
	[ "${stderr_lines[1]}" = "usage: mr-job [-D NAME=VALUE]... [-files PATH,...] [-archives PATH,...]" ]
	run --separate-stderr mr-job -input in.txt -output out -mapper cat -bogus
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "mr-job: -bogus: unknown option" ]
	run --separate-stderr mr-job -input in.txt -mapper cat
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "mr-job: missing -output DIR" ]
	run --separate-stderr mr-job -output out -mapper cat
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "mr-job: missing -input PATH" ]
	run --separate-stderr mr-job -input in.txt -output out
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "mr-job: missing -mapper CMD" ]
	run --separate-stderr mr-job -input in.txt -output out -mapper cat -numReduceTasks x
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "mr-job: -numReduceTasks: 'x' is not a number from 0 to 99999" ]
	[ ! -e out ]
	run mr-job --help
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "usage: mr-job [-D NAME=VALUE]... [-files PATH,...] [-archives PATH,...]" ]
}

@test "an interrupted job removes its output directory and scratch files" {
	words 100 15 >in.txt
	mkdir tmp
	TMPDIR=$PWD/tmp mr-job -input in.txt -output out -mapper "sh -c 'cat >/dev/null; touch started; sleep 30'" 2>err &
	local pid=$!
	wait_for started
	kill -TERM "$pid"
	local st=0
	wait "$pid" || st=$?
	[ "$st" -eq 143 ]
	[ ! -e out ]
	[ -z "$(ls -A tmp)" ]
}

# The mappers of the tests below: each notes its pid in ./pids, then
# waits for ./go; ../../../.. is the test's directory from a task's.
WAITING_MAPPER="sh -c 'cat >/dev/null; echo \$\$ >>../../../../pids; while [ ! -e ../../../../go ]; do sleep 0.02; done'"

# mappers_up N: N mappers have noted their pid.
mappers_up() {
	[ -s pids ] && [ "$(wc -l <pids)" -ge "$1" ]
}

# all_gone: no process of ./pids is left, the output and TMPDIR are empty.
all_gone() {
	local p
	for p in $(cat pids); do
		! kill -0 "$p" 2>/dev/null || return 1
	done
	[ ! -e out ] && [ -z "$(ls -A tmp)" ]
}

# stat_of PID: the fields of /proc/PID/stat after the name, into the
# array STAT (STAT[0]: the state, STAT[2]: the process group); read
# without ps (procps is not on a fresh machine) and without a subshell.
stat_of() {
	local st
	{ read -r st <"/proc/$1/stat"; } 2>/dev/null || return 1
	read -r -a STAT <<<"${st##*) }"
}

# stopped PID: process PID is stopped (state T); group_stopped PID: so is
# every process of its group (or waits in vfork for a stopped child, D);
# group_running PID: none of them is stopped.
stopped() {
	stat_of "$1" && [ "${STAT[0]}" = T ]
}
group_states() {
	local pg d
	STATES=
	stat_of "$1" || return 1
	pg=${STAT[2]}
	for d in /proc/[0-9]*; do
		stat_of "${d#/proc/}" && [ "${STAT[2]}" = "$pg" ] && STATES+=${STAT[0]}
	done
	return 0
}
group_stopped() {
	group_states "$1" && [[ $STATES =~ ^[TD]*T[TD]*$ ]]
}
group_running() {
	group_states "$1" && [[ $STATES != *T* ]]
}

gone() {
	[ ! -e "$1" ]
}

@test "a scheduler killed with SIGKILL takes its tasks with it and leaves no file behind" {
	words 100 15 >in.txt
	mkdir tmp
	TMPDIR=$PWD/tmp mr-job -P 2 -input in.txt -output new/parent/out \
	    -mapper "$WAITING_MAPPER" -numReduceTasks 0 2>err &
	local pid=$!
	wait_for mappers_up 2
	[ -d new/parent/out ]
	# mr-job hands the job file over open and removes it first.
	[ "$(ls tmp)" = "$(basename "$(ls -d tmp/mr-job.*)")" ]
	kill -KILL "$pid"
	wait "$pid" || true
	WAIT_SECONDS=5 wait_for all_gone
	# The output and the parents the job made for it.
	WAIT_SECONDS=5 wait_for gone new
	touch go	# were a mapper left, it would write its part file now
}

@test "SIGQUIT ends a job as SIGTERM does; a command that ignores SIGTERM gets SIGKILL after 1 s" {
	words 100 15 >in.txt
	mkdir tmp
	TMPDIR=$PWD/tmp env --default-signal=QUIT mr-job -P 2 -input in.txt -output out \
	    -mapper "$WAITING_MAPPER" 2>err &
	local pid=$! st=0
	wait_for mappers_up 2
	kill -QUIT "$pid"
	wait "$pid" || st=$?
	[ "$st" -eq 131 ]
	[ "$(cat err)" = "mr-job: job job_local_0001 stopped by SIGQUIT; no output written" ]
	WAIT_SECONDS=5 wait_for all_gone
	rm pids
	TMPDIR=$PWD/tmp mr-job -P 1 -input in.txt -output out \
	    -mapper "sh -c 'trap \"\" TERM; cat >/dev/null; echo \$\$ >>../../../../pids; while :; do sleep 0.02; done'" 2>err &
	pid=$!
	wait_for mappers_up 1
	kill -TERM "$pid"
	st=0
	wait "$pid" || st=$?
	[ "$st" -eq 143 ]
	[ "$(cat err)" = "mr-job: job job_local_0001 stopped by SIGTERM; no output written" ]
	WAIT_SECONDS=5 wait_for all_gone
}

@test "SIGTSTP stops the job's tasks with it, SIGCONT continues them" {
	words 100 15 >in.txt
	mkdir tmp
	TMPDIR=$PWD/tmp mr-job -P 2 -input in.txt -output out -mapper "$WAITING_MAPPER" \
	    -numReduceTasks 0 2>err &
	local pid=$! p st=0
	wait_for mappers_up 2
	kill -TSTP "$pid"
	wait_for stopped "$pid"
	for p in $(cat pids); do
		WAIT_SECONDS=5 wait_for group_stopped "$p"
	done
	kill -CONT "$pid"
	for p in $(cat pids); do
		WAIT_SECONDS=5 wait_for group_running "$p"
	done
	touch go
	wait "$pid" || st=$?
	[ "$st" -eq 0 ]
	[ "$(ls out)" = "$(printf '%s\n' _SUCCESS part-00000 part-00001)" ]
}

@test "a task that dies without its report is said to, and the parents made for -output go" {
	echo x >in.txt
	run --separate-stderr mr-job -D mapreduce.job.maps=1 -input in.txt -output a/b/out \
	    -mapper "sh -c 'kill -9 \$PPID'"
	[ "$status" -eq 1 ]
	[ "${stderr_lines[0]}" = "mr-job: task attempt_local_0001_m_000000_0: ended without a report: killed by signal 9 (SIGKILL)" ]
	[ "${stderr_lines[1]}" = "mr-job:   input split: file:$PWD/in.txt:0+2" ]
	[ ! -e a ]
}

@test "a failure report cuts each long stderr line after 1000 bytes" {
	echo x >in.txt
	run --separate-stderr mr-job -D mapreduce.job.maps=1 -input in.txt -output out \
	    -mapper "sh -c 'cat >/dev/null; printf %05000d 0 >&2; echo >&2; echo short >&2; exit 1'"
	[ "$status" -eq 1 ]
	[ "${stderr_lines[3]}" = "    $(printf %01000d 0) [... 4000 more bytes]" ]
	[ "${stderr_lines[4]}" = "    short" ]
}

@test "a command named by a path that does not exist fails before anything is written" {
	echo x >in.txt
	run --separate-stderr mr-job -input in.txt -output out -mapper '/no/such/prog -x'
	[ "$status" -eq 1 ]
	[ "$stderr" = "mr-job: -mapper: /no/such/prog: No such file or directory" ]
	cp "$(command -v cat)" mycat
	# Not shipped: the task's working directory has only the links.
	run --separate-stderr mr-job -input in.txt -output out -mapper cat -reducer ./mycat
	[ "$status" -eq 1 ]
	[ "$stderr" = "mr-job: -reducer: ./mycat: not found in the task's working directory (only the -files and -archives links are there) nor under PATH" ]
	[ ! -e out ]
	mkdir tools
	mv mycat tools/
	run mr-job -files tools -input in.txt -output out -mapper tools/mycat -reducer ./tools/mycat
	[ "$status" -eq 0 ]
	[ "$(cat out/part-00000)" = "x${TAB}" ]
}

@test "a job file that cannot be made is said with the system's reason" {
	echo x >in.txt
	TMPDIR=$PWD/nonexistent run --separate-stderr mr-job -input in.txt -output out -mapper cat
	[ "$status" -eq 1 ]
	[ "$stderr" = "mr-job: cannot create a job file in $PWD/nonexistent: No such file or directory" ]
}

@test "a job in the background of a script keeps SIGINT ignored, as the shell leaves it there" {
	words 100 15 >in.txt
	mkdir tmp
	# A non-interactive shell starts a background command with SIGINT
	# ignored; the job runs on to the end.
	TMPDIR=$PWD/tmp mr-job -P 1 -input in.txt -output out -mapper "sh -c 'cat; touch started; while [ ! -e ../../../../go ]; do sleep 0.02; done'" 2>err &
	local pid=$!
	wait_for started
	kill -INT "$pid"
	touch go
	local st=0
	wait "$pid" || st=$?
	[ "$st" -eq 0 ]
	[ -s out/part-00000 ]
	[ -z "$(ls -A tmp)" ]
}

@test "mr-hadoop submits the same arguments through hadoop jar with the static programs in -files" {
	mkdir fakebin static
	cat >fakebin/hadoop <<-'EOF'
	#!/bin/sh
	for a; do printf '%s\n' "$a"; done >"$HADOOP_ARGS_LOG"
	EOF
	chmod +x fakebin/hadoop
	local p
	for p in mr-map mr-reduce mr-sort; do
		cp "$(command -v "$p")" static/
	done
	echo 'stop words' >stop.txt
	PATH=$PWD/fakebin:$PATH HADOOP_ARGS_LOG=$PWD/args HADOOP_STREAMING_JAR=/opt/hadoop/streaming.jar \
	    MR_STATIC_BIN=$PWD/static run mr-hadoop -D mapreduce.job.reduces=2 -files stop.txt \
	    -input /logs/2026 -output /reports/words -mapper 'mr-map -w' \
	    -combiner 'mr-reduce count' -reducer "sh -c 'mr-reduce sum | mr-sort'" -P 8
	[ "$status" -eq 0 ]
	[ "$(cat args)" = "$(printf '%s\n' jar /opt/hadoop/streaming.jar \
	    -D mapreduce.job.reduces=2 -files "stop.txt,$PWD/static/mr-map,$PWD/static/mr-reduce,$PWD/static/mr-sort" \
	    -input /logs/2026 -output /reports/words -mapper 'mr-map -w' \
	    -combiner 'mr-reduce count' -reducer "sh -c 'mr-reduce sum | mr-sort'" \
	    -cmdenv PATH=.:/usr/local/bin:/usr/bin:/bin)" ]
	run --separate-stderr env HADOOP_STREAMING_JAR=/x.jar MR_STATIC_BIN=$PWD/fakebin \
	    mr-hadoop -input a -output b -mapper 'mr-map -w'
	[ "$status" -eq 1 ]
	[ "$stderr" = "mr-hadoop: mr-map: not found in $PWD/fakebin (run \"make\" or set MR_STATIC_BIN)" ]
	run --separate-stderr env -u HADOOP_STREAMING_JAR -u HADOOP_HOME mr-hadoop -input a -output b -mapper cat
	[ "$status" -eq 1 ]
	[ "$stderr" = "mr-hadoop: HADOOP_STREAMING_JAR is not set (the path of hadoop-streaming.jar)" ]
}

@test "the number of map tasks follows Hadoop's rule (mapreduce.job.maps 2, the block size), not -P" {
	words 3000 20 >in.txt
	local size
	size=$(stat -c %s in.txt)
	run mr-job -P 1 -input in.txt -output p1 -mapper cat -numReduceTasks 0
	[ "$status" -eq 0 ]
	run mr-job -P 4 -input in.txt -output p4 -mapper cat -numReduceTasks 0
	[ "$(ls p1)" = "$(printf '%s\n' _SUCCESS part-00000 part-00001)" ]
	diff -r p1 p4
	cat p1/part-* | sed 's/\t$//' | cmp - in.txt
	run mr-job -D mapreduce.job.maps=5 -input in.txt -output m5 -mapper cat -numReduceTasks 0
	[ "$(ls m5 | grep -c part-)" -eq 5 ]
	# Splits of at most the block size: the goal (size / 2) is larger.
	run mr-job -D dfs.blocksize=$((size / 4 + 1)) -input in.txt -output b4 -mapper cat -numReduceTasks 0
	[ "$(ls b4 | grep -c part-)" -eq 4 ]
	run mr-job -D mapreduce.input.fileinputformat.split.minsize=$size -input in.txt -output one \
	    -mapper cat -numReduceTasks 0
	[ "$(ls one | grep -c part-)" -eq 1 ]
}

@test "a secondary sort with KeyFieldBasedComparator orders as GNU sort -k does, by new and old names" {
	mawk 'BEGIN { srand(21); for (i = 0; i < 3000; i++)
	    printf "%s\t%d\tv%d\n", substr("abcdef", 1 + int(rand() * 6), 1), int(rand() * 2000) - 1000, i }' >in.txt
	run mr-job -D mapreduce.job.output.key.comparator.class=org.apache.hadoop.mapreduce.lib.partition.KeyFieldBasedComparator \
	    -D stream.num.map.output.key.fields=2 -D 'mapreduce.partition.keycomparator.options=-k1,1 -k2,2nr' \
	    -input in.txt -output new -mapper cat -reducer cat
	[ "$status" -eq 0 ]
	LC_ALL=C sort -t "$TAB" -k1,1 -k2,2nr in.txt | cut -f1,2 >want
	cut -f1,2 new/part-00000 | cmp - want
	tr '\t' . <in.txt >dots.txt
	run mr-job -D mapred.output.key.comparator.class=org.apache.hadoop.mapred.lib.KeyFieldBasedComparator \
	    -D stream.map.output.field.separator=. -D stream.num.map.output.key.fields=2 \
	    -D map.output.key.field.separator=. -D 'mapred.text.key.comparator.options=-k1,1 -k2,2nr' \
	    -input dots.txt -output old -mapper cat -reducer cat -numReduceTasks 1
	[ "$status" -eq 0 ]
	cut -f1 old/part-00000 | tr . '\t' | cut -f1,2 | cmp - want
}

@test "KeyFieldBasedPartitioner puts the keys that share the chosen fields in one part file" {
	mawk 'BEGIN { srand(22); for (i = 0; i < 2000; i++)
	    printf "u%d\t%d\n", int(rand() * 50), i }' >in.txt
	run mr-job -D stream.num.map.output.key.fields=2 -D mapreduce.partition.keypartitioner.options=-k1,1 \
	    -partitioner org.apache.hadoop.mapred.lib.KeyFieldBasedPartitioner \
	    -input in.txt -output out -mapper cat -reducer cat -numReduceTasks 3
	[ "$status" -eq 0 ]
	local p
	for p in 0 1 2; do
		# mr-partition -K deals the same keys to the same partitions.
		mr-partition -n 3 -k 2 -K 1,1 --print in.txt | mawk -F'\t' -v p=$p '$1 == p' |
		    cut -f2- | LC_ALL=C sort -t "$TAB" -k1,2 | sed 's/$/\t/' >want$p
		LC_ALL=C sort -t "$TAB" -k1,2 out/part-0000$p | cmp - want$p
	done
	run --separate-stderr mr-job -partitioner org.apache.hadoop.mapred.lib.TotalOrderPartitioner \
	    -input in.txt -output bad -mapper cat
	[ "$status" -eq 2 ]
	[ "$stderr" = "mr-job: mapred.partitioner.class=org.apache.hadoop.mapred.lib.TotalOrderPartitioner: not supported by mr-tools (only the mapred API's HashPartitioner and KeyFieldBasedPartitioner are implemented)" ]
	[ ! -e bad ]
}

@test "compressed output: .gz, .bz2 and .deflate part files that decompress to the plain output" {
	need_tool bzip2
	words 2000 23 >in.txt
	run mr-job -input in.txt -output plain -mapper 'mr-map -w' -reducer 'mr-reduce count' -numReduceTasks 2
	[ "$status" -eq 0 ]
	local codec ext
	for codec in GzipCodec:gz BZip2Codec:bz2; do
		ext=${codec#*:}
		run mr-job -D mapreduce.output.fileoutputformat.compress=true \
		    -D "mapreduce.output.fileoutputformat.compress.codec=org.apache.hadoop.io.compress.${codec%:*}" \
		    -input in.txt -output $ext -mapper 'mr-map -w' -reducer 'mr-reduce count' -numReduceTasks 2
		[ "$status" -eq 0 ]
		[ "$(ls $ext)" = "$(printf '%s\n' _SUCCESS part-00000.$ext part-00001.$ext)" ]
	done
	gzip -dc gz/part-00000.gz | cmp - plain/part-00000
	bzip2 -dc bz2/part-00001.bz2 | cmp - plain/part-00001
	run mr-job -D mapred.output.compress=true -input in.txt -output deflate -mapper cat -numReduceTasks 0
	[ "$status" -eq 0 ]
	[ -e deflate/part-00000.deflate ]
	[ "$(head -c 2 deflate/part-00000.deflate | od -An -tx1 | tr -d ' ')" = 789c ]
}

@test "a .gz or .bz2 input is decompressed, one map task each" {
	need_tool bzip2
	words 500 24 >a.txt
	words 300 25 >b.txt
	gzip -k a.txt
	bzip2 -k b.txt
	run --separate-stderr mr-job -input a.txt.gz,b.txt.bz2 -output out -mapper cat -numReduceTasks 0
	[ "$status" -eq 0 ]
	[ "$(ls out | grep -c part-)" -eq 2 ]
	cat out/part-* | sed 's/\t$//' | sort | cmp - <(cat a.txt b.txt | sort)
	[ "$(counter 'Bytes Read')" = $(($(stat -c %s a.txt.gz) + $(stat -c %s b.txt.bz2))) ]
	echo x >c.txt.zst
	run --separate-stderr mr-job -input c.txt.zst -output z -mapper cat
	[ "$status" -eq 1 ]
	[ "$stderr" = "mr-job: input: file:$PWD/c.txt.zst: .zst input is not supported by mr-tools" ]
}

@test "separators as Hadoop takes them: reducer input, and \\t as the two characters typed" {
	printf 'a\tb\tc\nd\te\n' >in.txt
	run mr-job -D stream.reduce.input.field.separator=: -input in.txt -output colon -mapper cat -reducer cat
	[ "$status" -eq 0 ]
	[ "$(cat colon/part-00000)" = "$(printf 'a:b\tc\nd:e\t')" ]
	printf 'a\\tb\tc\n' >bs.txt
	run mr-job -D 'stream.map.output.field.separator=\t' -input bs.txt -output bs -mapper cat -reducer cat
	[ "$status" -eq 0 ]
	[ "$(cat bs/part-00000)" = "$(printf 'a\tb\tc')" ]
}

@test "stream.non.zero.exit.is.failure=false: failing commands do not fail the job" {
	words 50 26 >in.txt
	run --separate-stderr mr-job -D stream.non.zero.exit.is.failure=false -input in.txt -output out \
	    -mapper "sh -c 'cat; exit 3'" -reducer "sh -c 'cat; exit 4'"
	[ "$status" -eq 0 ]
	[ "$(wc -l <out/part-00000)" -eq 50 ]
}

@test "-jobconf sets a property; -lazyOutput makes no part file for a reducer without lines" {
	printf 'a\nb\n' >in.txt
	run mr-job -input in.txt -output out -mapper cat -reducer cat -jobconf mapreduce.job.reduces=4 -lazyOutput
	[ "$status" -eq 0 ]
	# "a" and "b" hash to 128 and 129: partitions 0 and 1 of 4.
	[ "$(ls out)" = "$(printf '%s\n' _SUCCESS part-00000 part-00001)" ]
	run mr-job -D mapreduce.fileoutputcommitter.marksuccessfuljobs=false -input in.txt -output nos -mapper cat
	[ "$status" -eq 0 ]
	[ "$(ls nos)" = part-00000 ]
}

@test "-cacheFile and -cacheArchive put a file and an unpacked archive in every task's directory" {
	echo shipped >data.txt
	mkdir pkg && echo inside >pkg/f.txt && tar -czf pkg.tgz -C pkg f.txt
	echo x >in.txt
	run mr-job -input in.txt -output out -cacheFile "file://$PWD/data.txt#d" -cacheArchive "$PWD/pkg.tgz#p" \
	    -mapper "sh -c 'cat >/dev/null; cat d p/f.txt'" -numReduceTasks 0
	[ "$status" -eq 0 ]
	[ "$(cat out/part-00000)" = "$(printf 'shipped\t\ninside\t')" ]
	run --separate-stderr mr-job -input in.txt -output out2 -cacheFile "$PWD/data.txt" -mapper cat
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "mr-job: -cacheFile: '$PWD/data.txt' is not URI#NAME (a link name for every cached file)" ]
}

@test "-reducer aggregate runs Hadoop's aggregate package, with its combiner" {
	mawk 'BEGIN { srand(27); for (i = 0; i < 3000; i++) { k = "k" int(rand() * 5); v = int(rand() * 100) - 30
	    print "LongValueSum:" k "\t" v; print "UniqValueCount:" k "\t" v % 7 } }' >in.txt
	run --separate-stderr mr-job -input in.txt -output out -mapper cat -reducer aggregate \
	    -combiner 'sort' -numReduceTasks 2
	[ "$status" -eq 0 ]
	[ "${stderr_lines[0]}" = "mr-job: warning: -combiner is replaced by the aggregate package's combiner, as in Hadoop" ]
	mawk -F'\t' '/^LongValueSum/ { sub(/^LongValueSum:/, "", $1); s[$1] += $2 }
	    /^UniqValueCount/ { sub(/^UniqValueCount:/, "", $1); if (!seen[$1, $2]++) u[$1]++ }
	    END { for (k in s) { print k "\t" s[k]; print k "\t" u[k] } }' in.txt | sort >want
	sort out/part-* | cmp - want
	[ "$(counter 'Combine input records')" = 6000 ]
}

@test "never silent: a property that changes the job and is not implemented is an error naming it" {
	echo x >in.txt
	run --separate-stderr mr-job -D textinputformat.record.delimiter=';' -input in.txt -output out -mapper cat
	[ "$status" -eq 2 ]
	[ "$stderr" = "mr-job: textinputformat.record.delimiter=;: not supported by mr-tools (it changes where records end)" ]
	run --separate-stderr mr-job -inputformat org.apache.hadoop.mapred.SequenceFileInputFormat \
	    -input in.txt -output out -mapper cat
	[ "$stderr" = "mr-job: mapred.input.format.class=org.apache.hadoop.mapred.SequenceFileInputFormat: not supported by mr-tools (only TextInputFormat is implemented)" ]
	run --separate-stderr mr-job -io typedbytes -input in.txt -output out -mapper cat
	[ "$status" -eq 2 ]
	run --separate-stderr mr-job -D mapreduce.job.reduces=many -input in.txt -output out -mapper cat
	[ "$stderr" = "mr-job: mapreduce.job.reduces: 'many' is not a number from 0 to 99999" ]
	run --separate-stderr mr-job -input in.txt -output out -mapper org.apache.hadoop.mapred.lib.IdentityMapper
	[ "$status" -eq 1 ]
	[ "$stderr" = "mr-job: -mapper org.apache.hadoop.mapred.lib.IdentityMapper: a Java class; mr-job runs commands (and the identity and aggregate reducers)" ]
	[ ! -e out ]
	# Properties that change nothing here reach the tasks' environment.
	run mr-job -D mapreduce.job.name=nightly -D mapred.job.queue.name=q -D io.sort.mb=10 \
	    -input in.txt -output env -mapper "sh -c 'cat >/dev/null; echo \$mapreduce_job_name \$mapreduce_job_queuename \$mapreduce_task_io_sort_mb'" \
	    -numReduceTasks 0
	[ "$status" -eq 0 ]
	[ "$(cat env/part-00000)" = "nightly q 10${TAB}" ]
}

@test "mr-hadoop: its own usage, the static programs of bin/, only the project's own programs" {
	run -0 mr-hadoop --help
	[ "${lines[0]}" = "usage: mr-hadoop [-D NAME=VALUE]... [-files PATH,...] [-archives PATH,...]" ]
	# Its usage has no -P (the cluster decides how many tasks run at once).
	[[ $(printf '%s\n' "${lines[@]:0:6}") != *"-P N"* ]]
	[[ $output == *"Submit a Hadoop Streaming job"* ]]
	[ -x "$MR_ROOT/bin/mr-map" ] || skip "no bin/ build"
	mkdir fakebin
	printf '#!/bin/sh\nfor a; do printf "%%s\\n" "$a"; done >"$HADOOP_ARGS_LOG"\n' >fakebin/hadoop
	chmod +x fakebin/hadoop
	PATH=$PWD/fakebin:$PATH HADOOP_ARGS_LOG=$PWD/args HADOOP_STREAMING_JAR=/x.jar \
	    run -0 "$MR_ROOT/scripts/mr-hadoop" -input /in -output /out \
	    -mapper "sh -c 'grep -v mr-debug | mr-map -w'" -reducer 'mr-reduce count'
	local static=$MR_ROOT/bin
	ldd "$static/mr-map" >/dev/null 2>&1 && [ -x "$MR_ROOT/build/static/bin/mr-map" ] &&
	    static=$MR_ROOT/build/static/bin
	grep -qx -- "$(cd "$static" && pwd)/mr-map,$(cd "$static" && pwd)/mr-reduce" args
	! grep -q mr-debug <(grep -A1 -x -- -files args)
}

@test "make demo runs the batch report and the live run and exits 0" {
	run env MR_BIN="${MR_BIN:-$MR_ROOT/bin}" MR_TOOLS="$MR_TOOLS" MR_DEMO_DIR="$PWD/demo" \
	    MR_DEMO_LINES=20000 MR_DEMO_LIVE_SECONDS=3 "$MR_ROOT/scripts/demo"
	[ "$status" -eq 0 ]
	# The status counts add up to the log's lines; the live run saw windows.
	[ "$(printf '%s\n' "$output" | mawk '/^== Requests per status/ { on = 1; next }
	    /^==/ { on = 0 } on && /%$/ { n += $2 } END { print n }')" = 20000 ]
	[[ $output == *"== Top 10 paths =="* ]]
	[[ $output == *"== p99 response size per path"* ]]
	[[ $output == *"  window 20"* ]]
	[ "$(ls demo)" != "" ]
}

@test "the mapper's and the reducer's counters stay apart, each in its program's group; no late records without windows" {
	printf 'a 1\nb\nc x\n' >in
	run --separate-stderr mr-job -input in -output out \
	    -mapper 'mr-map -d " " -K 1 -V 2' -reducer 'mr-reduce -b sum'
	[ "$status" -eq 0 ]
	local groups
	groups=$(printf '%s\n' "$stderr" | sed -n '/^\tmr-map$/,/^\tFile/p')
	[ "$groups" = "$(printf '\tmr-map\n\t\tinput records=3\n\t\toutput records=2\n\t\tskipped records=1\n\tmr-reduce\n\t\tinput records=2\n\t\toutput records=1\n\t\tskipped records=1\n\tFile Input Format Counters ')" ]
}
