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
	[ "${stderr_lines[0]}" = "mr-job: task attempt_local_0001_m_000000_0 failed: mapper exit status 3" ]
	[ "${stderr_lines[1]}" = "mr-job:   command: sh -c 'cat >/dev/null; echo first >&2; echo bad line 7 >&2; exit 3'" ]
	[ "${stderr_lines[2]}" = "mr-job:   input split: file:$PWD/in.txt:0+$(stat -c %s in.txt)" ]
	[ "${stderr_lines[3]}" = "mr-job:   last lines of its stderr:" ]
	[ "${stderr_lines[4]}" = "    first" ]
	[ "${stderr_lines[5]}" = "    bad line 7" ]
	[ "${stderr_lines[6]}" = "mr-job: job job_local_0001 failed; no output written" ]
	[ ! -e out ]
}

@test "a failing reducer fails the job and leaves no part file and no _SUCCESS" {
	words 200 8 >in.txt
	run --separate-stderr mr-job -input in.txt -output out -mapper 'mr-map -w' \
	    -reducer "sh -c 'cat >/dev/null; echo reducer broke >&2; exit 4'" -numReduceTasks 2
	[ "$status" -eq 1 ]
	[[ ${stderr_lines[0]} == "mr-job: task attempt_local_0001_r_00000"[01]"_0 failed: reducer exit status 4" ]]
	[ "${stderr_lines[1]}" = "mr-job:   command: sh -c 'cat >/dev/null; echo reducer broke >&2; exit 4'" ]
	[ "${stderr_lines[3]}" = "    reducer broke" ]
	[ ! -e out ]
}

@test "a mapper killed by a signal, or one that stops reading its input, fails the job" {
	words 50 9 >in.txt
	run --separate-stderr mr-job -P 1 -input in.txt -output out -mapper "sh -c 'kill -9 \$\$'"
	[ "$status" -eq 1 ]
	[ "${stderr_lines[0]}" = "mr-job: task attempt_local_0001_m_000000_0 failed: mapper killed by signal 9 (SIGKILL)" ]
	# More input than a pipe holds, so that the writer sees the closed pipe.
	words 100000 10 >big.txt
	run --separate-stderr mr-job -P 1 -input big.txt -output out -mapper 'head -n 1'
	[ "$status" -eq 1 ]
	[ "${stderr_lines[0]}" = "mr-job: task attempt_local_0001_m_000000_0 failed: mapper stopped reading its input (Broken pipe)" ]
	[ ! -e out ]
}

@test "a program that does not exist fails before anything is written" {
	echo x >in.txt
	run --separate-stderr mr-job -input in.txt -output out -mapper 'no-such-mapper -x'
	[ "$status" -eq 1 ]
	[ "$stderr" = "mr-job: -mapper: no-such-mapper: command not found" ]
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
	[ "${stderr_lines[0]}" = "mr-job: task attempt_local_0001_r_000000_0 failed: merging the map outputs failed: exit status 1 (the combiner 'sort -r' must keep the order of its input's keys)" ]
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

@test "a reducer with no input is still started" {
	: >empty.txt
	run mr-job -input empty.txt -output out -mapper cat -reducer "sh -c 'cat; echo ran'" \
	    -numReduceTasks 2
	[ "$status" -eq 0 ]
	[ "$(cat out/part-00000)" = "ran${TAB}" ]
	[ "$(cat out/part-00001)" = "ran${TAB}" ]
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
	[ "${stderr_lines[1]}" = "usage: mr-job [-D name=value]... [-files PATH,...] -input PATH... -output DIR" ]
	run --separate-stderr mr-job -input in.txt -output out -mapper cat -bogus
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "mr-job: -bogus: unknown option" ]
	run --separate-stderr mr-job -input in.txt -mapper cat
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "mr-job: no -output given" ]
	run --separate-stderr mr-job -input in.txt -output out -mapper cat -numReduceTasks x
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "mr-job: -numReduceTasks: 'x' is not a count" ]
	[ ! -e out ]
	run mr-job --help
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "usage: mr-job [-D name=value]... [-files PATH,...] -input PATH... -output DIR" ]
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
	[ "$stderr" = "mr-hadoop: mr-map: not found in $PWD/fakebin (run \"make static\" or set MR_STATIC_BIN)" ]
	run --separate-stderr env -u HADOOP_STREAMING_JAR -u HADOOP_HOME mr-hadoop -input a -output b -mapper cat
	[ "$status" -eq 1 ]
	[ "$stderr" = "mr-hadoop: HADOOP_STREAMING_JAR is not set (the path of hadoop-streaming.jar)" ]
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
