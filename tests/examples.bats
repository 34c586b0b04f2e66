#!/usr/bin/env bats
# Every example of README.md and of the man pages' EXAMPLES runs as
# written: each block of a document, in order, in one directory that holds
# the files the examples name (an Apache log with "-" sizes, text, JSON
# lines, sorted parts, ...), with bash -e -o pipefail, but the examples
# meant for cron (mr-tail --once), which run with sh as cron runs them.
# An example that
# follows a live log runs for a moment and must still be running; those
# for a Hadoop cluster run against fake_cluster's hadoop and hdfs; the
# build's own targets are named below and not run.
bats_require_minimum_version 1.5.0
load helper

# doc_examples DOC: the example blocks of DOC, each followed by a line
# "@@" (README.md: ```sh blocks; a man page: .Bd -literal blocks of its
# EXAMPLES section, with mdoc's \e made a backslash).
doc_examples() {
	case $1 in
	*.md)
		mawk '/^```sh$/ { b = 1; next } b && /^```$/ { b = 0; print "@@"; next } b' "$1" ;;
	*)
		mawk '/^\.Sh EXAMPLES/ { e = 1; next } /^\.Sh/ { e = 0 }
		    e && /^\.Bd -literal/ { b = 1; next }
		    e && b && /^\.Ed/ { b = 0; print "@@"; next } e && b' "$1" |
		    sed 's/\\e/\\/g' ;;
	esac
}

# Examples not run, by a string they contain, and why.
not_run() {
	case $1 in
	*"make demo"*) echo "the build's own targets" ;;
	esac
}

# An example for cron: it reads what is new with mr-tail --once.
is_cron() {
	[[ $1 == *"mr-tail "*"--once"* ]]
}

# localize BLOCK: the example with a server's paths, and the source tree's
# scripts/, made local.
localize() {
	local block=$1
	block=${block//\/var\/log\/nginx\/access.log/access.log}
	block=${block//\/var\/log\/app.log/app.log}
	block=${block//\/var\/lib\//}
	# "make" alone, before a cluster example: the programs are built
	[[ $block != make$'\n'* ]] || block=": make, done${block#make}"
	printf '%s' "${block//scripts\/mr-hadoop/mr-hadoop}"
}

# A live example: it follows a log (tail -F, or mr-tail without --once).
is_live() {
	[[ $1 == *"tail -F"* ]] && return 0
	[[ $1 == *"mr-tail "* && $1 != *"--once"* ]]
}

# The files the examples name, made once for all tests of this file.
setup_file() {
	mkdir -p "$BATS_FILE_TMPDIR/fixtures"
	cd "$BATS_FILE_TMPDIR/fixtures" || return 1
	make_fixtures
}

make_fixtures() {
	make_job
	"$MR_TOOLS/gendata" log 3000 >access.log
	apache_sample >>access.log
	"$MR_TOOLS/gendata" text 200000 >big.txt
	cp big.txt book.txt
	cp big.txt sample.txt
	cp big.txt input.txt
	cp big.txt big.log
	mkdir mail
	head -c 50000 big.txt >mail/a
	tail -c 50000 big.txt >mail/b
	"$MR_TOOLS/gendata" kv 20000 >big.tsv
	cp big.tsv data.tsv
	for i in 0 1 2; do
		mawk -v i=$i 'NR % 3 == i' big.tsv | LC_ALL=C sort -t "$TAB" -k1,1 -s >part-$i
	done
	mawk -F '\t' '{ print $1 "\t" $3 }' big.tsv >latency.tsv
	for i in 1 2 3 4 5; do
		echo "{\"user\": {\"id\": \"u$((i % 3))\"}, \"bytes\": $((i * 100))}"
	done >events.jsonl
	fake_cluster
	printf 'ann\t3\tlogin\nbob\t1\tlogin\nann\t7\tlogout\nbob\t12\tlogout\n' >events.tsv
	seq 100 | sed 's/^/app line /' >app.log
	seq 100 | sed 's/^/db line /' >db.log
	cat >mapper.py <<'PY'
import sys
for line in sys.stdin:
    for word in line.split():
        print(word + "\t1")
PY
	cat >reducer.py <<'PY'
import sys
last, total = None, 0
for line in sys.stdin:
    key, value = line.rstrip("\n").split("\t", 1)
    if key != last and last is not None:
        print(last + "\t" + str(total))
        total = 0
    last, total = key, total + int(value)
if last is not None:
    print(last + "\t" + str(total))
PY
}

# Lines of real Apache logs that a split at blanks gets wrong: a request
# never sent ("-", a 408), a request with a space, an escaped quote in a
# request; sizes "-"; and user agents holding what looks like a request
# (quotes escaped, as Apache logs them).
apache_sample() {
	cat <<'EOF'
10.0.0.1 - - [04/Dec/2026:10:00:00 +0000] "GET /index.html HTTP/1.1" 200 2326 "-" "Mozilla/5.0"
10.0.0.2 - - [04/Dec/2026:10:00:01 +0000] "GET /a.png HTTP/1.1" 304 - "http://x/" "Mozilla/5.0 (X11)"
10.0.0.3 - - [04/Dec/2026:10:00:02 +0000] "-" 408 - "-" "-"
10.0.0.4 - - [04/Dec/2026:10:00:03 +0000] "GET /a%20b c HTTP/1.1" 400 226 "-" "curl/8"
10.0.0.5 - - [04/Dec/2026:10:00:04 +0000] "GET /x\" 200 99999 HTTP/1.1" 404 196 "-" "evil"
10.0.0.6 - frank [04/Dec/2026:10:00:05 +0000] "POST /api HTTP/1.1" 200 17
10.0.0.7 - - [04/Dec/2026:10:00:06 +0000] "-" 408 - "-" "GET /evil HTTP/1.1"
10.0.0.8 - - [04/Dec/2026:10:00:07 +0000] "GET /boom HTTP/1.1" 500 12 "-" "curl/8"
10.0.0.9 - - [04/Dec/2026:10:00:08 +0000] "GET /ok HTTP/1.1" 200 5 "-" "x\" \"GET /fake HTTP/1.1\" 503 y"
EOF
}

# The stand-in for a job of your own, a command on PATH (cron's sh runs it).
make_job() {
	mkdir -p bin
	printf '#!/bin/sh\nmr-map -d " " -K 9 | mr-reduce -H count\n' >bin/job
	chmod +x bin/job
}

# A stand-in for a cluster: "hdfs dfs -put/-cat" over the directory
# $FAKE_HDFS, and "hadoop jar" that checks what mr-hadoop gives it (the
# streaming jar, every mr-* program of the commands shipped with -files as
# an executable, a tasks' PATH starting at their working directory), then
# runs the job with mr-job, the shipped programs linked into each task's
# directory as on a cluster, over $FAKE_HDFS.
fake_cluster() {
	mkdir -p bin hdfs/data
	cp -R mail hdfs/data/mail
	cat >bin/hdfs <<-'EOF'
	#!/bin/bash
	set -eu
	case "$1 $2" in
	"dfs -put") mkdir -p "$(dirname "$FAKE_HDFS$4")"; cp "$3" "$FAKE_HDFS$4" ;;
	"dfs -cat") shift 2; for p; do cat $FAKE_HDFS$p; done ;;
	*) echo "fake hdfs: $*: not faked" >&2; exit 2 ;;
	esac
	EOF
	cat >bin/hadoop <<-'EOF'
	#!/bin/bash
	set -eu
	bad() { echo "fake hadoop: $*" >&2; exit 2; }
	[[ $# -ge 2 && $1 == jar ]] || bad "want jar JAR ARGS"
	[[ $2 == "$HADOOP_STREAMING_JAR" ]] || bad "$2 is not \$HADOOP_STREAMING_JAR"
	shift 2
	args=() shipped=, commands= path=
	while (($#)); do
		case $1 in
		-input | -output)
			[[ $2 == /* ]] || bad "$1 $2: not an HDFS path"
			mkdir -p "$(dirname "$FAKE_HDFS$2")"
			args+=("$1" "$FAKE_HDFS$2") ;;
		-files)
			IFS=, read -ra fs <<<"$2"
			for f in "${fs[@]}"; do
				[[ -f $f ]] || bad "-files: $f does not exist"
				[[ ${f##*/} != mr-* || -x $f ]] || bad "-files: $f is not a program"
				shipped+=${f##*/},
			done
			args+=("$1" "$2") ;;
		-mapper | -combiner | -reducer) commands+=" $2"; args+=("$1" "$2") ;;
		-cmdenv) [[ $2 != PATH=* ]] || path=${2#PATH=}; args+=("$1" "$2") ;;
		*) args+=("$1"); shift; continue ;;
		esac
		shift 2
	done
	[[ -z $path || $path == .:* ]] || bad "the tasks' PATH does not start with their directory: $path"
	for w in $(grep -o 'mr-[a-z]*' <<<"$commands" | sort -u); do
		[[ $shipped == *,$w,* ]] || bad "$w is used but not shipped with -files"
	done
	exec mr-job "${args[@]}"
	EOF
	chmod +x bin/hdfs bin/hadoop
}

# run_doc DOC: run every example of DOC (a path under the source tree).
run_doc() {
	local doc=$MR_ROOT/$1 block= line why ran=0 skipped=0 pid status
	export MR_STATIC_BIN=${MR_BIN:-$MR_ROOT/bin}
	cp -R "$BATS_FILE_TMPDIR/fixtures/." .
	export FAKE_HDFS=$PWD/hdfs
	PATH=$PWD/bin:$PATH
	while IFS= read -r line; do
		if [[ $line != "@@" ]]; then
			block+=$line$'\n'
			continue
		fi
		block=$(localize "$block")
		if why=$(not_run "$block") && [[ -n $why ]]; then
			echo "# not run ($why): ${block%%$'\n'*}" >&3
		elif [[ $block == *python3* ]] && ! command -v python3 >/dev/null; then
			skipped=$((skipped + 1))
		elif is_live "$block"; then
			setsid bash -e -o pipefail -c "$block" >live.out 2>&1 &
			pid=$!
			sleep 0.5
			if ! kill -0 "$pid" 2>/dev/null; then
				wait "$pid" || { echo "live example ended with $?:"; echo "$block"; cat live.out; false; }
			fi
			kill -TERM -- -"$pid" 2>/dev/null || true
			wait "$pid" 2>/dev/null || true
			ran=$((ran + 1))
		elif is_cron "$block"; then
			run sh -c "$block"
			[[ $status -eq 0 ]] || { echo "cron example failed with status $status:"; echo "$block"; echo "$output"; false; }
			ran=$((ran + 1))
		else
			run bash -e -o pipefail -c "$block"
			# "... | sort | head": sort may die of SIGPIPE (141) when
			# head has had its lines, which pipefail would call a
			# failure; the mr-* programs end such a pipe with status 0
			[[ $status -eq 0 || ($status -eq 141 && $block == *"| head"*) ]] ||
			    { echo "example failed with status $status:"; echo "$block"; echo "$output"; false; }
			ran=$((ran + 1))
		fi
		block=
	done < <(doc_examples "$doc")
	[[ $ran -gt 0 ]]
	((skipped == 0)) || skip "python3 is not installed ($skipped examples not run)"
}

@test "every example of README.md runs" {
	run_doc README.md
	# The cron example took the lines already in the log (-b).
	[ "$(wc -l <out)" -ge 5 ]
	# The cluster example ran, through the fake hadoop, a job that
	# counted a status for each line of the log that has one.
	[ -e hdfs/reports/status/_SUCCESS ]
	[ "$(cat hdfs/reports/status/part-* | mawk -F '\t' '{ n += $2 } END { print n }')" -ge 3000 ]
}
@test "every example of mr-map(1) runs" { run_doc man/mr-map.1; }
@test "every example of mr-sort(1) runs" { run_doc man/mr-sort.1; }
@test "every example of mr-reduce(1) runs" { run_doc man/mr-reduce.1; }
@test "every example of mr-split(1) runs" { run_doc man/mr-split.1; }
@test "every example of mr-partition(1) runs" { run_doc man/mr-partition.1; }
@test "every example of mr-tail(1) runs" {
	run_doc man/mr-tail.1
	# The archive and the counts took the lines already in the log (-b).
	[ "$(gzip -dc app.log.gz | wc -l)" -eq 100 ]
	[ "$(cat counts.* | wc -l)" -eq 1 ]
}
@test "every example of mr-task(1) runs" { run_doc man/mr-task.1; }
@test "every example of mr-job(1) runs" { run_doc man/mr-job.1; }
@test "every example of mr-hadoop(1) runs" {
	run_doc man/mr-hadoop.1
	# The cluster example counted every word of /data/mail.
	[ "$(cat hdfs/results/words/part-* | mawk -F '\t' '{ n += $2 } END { print n }')" -eq \
	    "$(mr-map -w mail/a mail/b | wc -l)" ]
}

@test "the errors the README quotes are the programs' own" {
	local want
	{ seq 1041 | sed 's/^/a b c d e f g h i /'; echo 'a b c'; } >access.log
	want=$(grep -o '`mr-map: access.log:[^`]*`' "$MR_ROOT/README.md" | tr -d '`')
	run -1 --separate-stderr mr-map -d ' ' -K 9 --strict access.log
	[ "$stderr" = "$want" ]
	{ seq 16 | sed 's/^/k\t1\t/'; printf 'k\t1\tn/a\n'; } >sales.tsv
	want=$(grep -o '`mr-reduce: -:[^`]*`' "$MR_ROOT/README.md" | tr -d '`')
	run -1 --separate-stderr mr-reduce sum:2 <sales.tsv
	[ "$stderr" = "$want" ]
}

@test "the status examples count real Apache lines right: 408s, spaces and quotes in requests, - sizes" {
	local doc line
	apache_sample >access.log
	for doc in README.md man/mr-map.1; do
		line=$(doc_examples "$MR_ROOT/$doc" | grep -m1 -- '-H count')
		run -0 bash -e -o pipefail -c "$line"
		[ "$output" = "$(printf '200\t3\n304\t1\n400\t1\n404\t1\n408\t2\n500\t1')" ] ||
		    { echo "$doc: $line"; false; }
		# (a line ending in "|" goes on on the next)
		line=$(doc_examples "$MR_ROOT/$doc" | mawk '/[|]$/ { printf "%s ", $0; next } 1' |
		    grep -m1 -- '-V 3 access.log')
		run -0 bash -e -o pipefail -c "$line"
		[ "$output" = "$(printf '200\t2348\n400\t226\n404\t196\n500\t12')" ] ||
		    { echo "$doc: $line"; false; }
	done
}

# joined_examples DOC: the example lines of DOC, a line ending in "|"
# joined to the next, localized.
joined_examples() {
	doc_examples "$MR_ROOT/$1" | mawk '/[|]$/ { printf "%s ", $0; next } 1' |
	    sed 's|/var/log/nginx/access.log|access.log|g'
}

@test "the top-paths examples count real Apache lines right: 408s, spaces and quotes in requests, requests in user agents" {
	local doc line n=0 want
	apache_sample >access.log
	want=$(printf '%s\t1\n' /a%20b /a.png /api /boom /index.html /ok '/x\"')
	for doc in README.md man/mr-reduce.1; do
		while IFS= read -r line; do
			# The live example as a batch: what the log holds now, once.
			line=${line/mr-tail access.log/mr-tail --once -b -s st.$n access.log}
			run -0 --separate-stderr bash -e -o pipefail -c "$line"
			# WINDOW TAB PATH TAB COUNT; the two "-" requests skipped
			[ "$(printf '%s\n' "$output" | cut -f 2,3 | LC_ALL=C sort)" = "$want" ] ||
			    { echo "$doc: $line"; printf '%s\n' "$output"; false; }
			[ "$stderr" = "mr-map: 2 records skipped; the first: -:3: no match" ]
			n=$((n + 1))
		done < <(joined_examples "$doc" | grep -- '--top 10 count')
	done
	((n == 3))	# README's first lines and usage, mr-reduce(1)
	# Failed requests: the 500, not the 503 in a user agent.
	line=$(joined_examples man/mr-map.1 | grep -m1 -- '5\[0-9\]\[0-9\]')
	run -0 --separate-stderr bash -e -o pipefail -c "$line"
	[ "$output" = "$(printf '/boom\t1')" ] || { echo "$line"; false; }
}

# cron_examples DOC: the cron examples of DOC, localized, NUL-terminated.
cron_examples() {
	local line block=
	while IFS= read -r line; do
		if [[ $line != "@@" ]]; then
			block+=$line$'\n'
			continue
		fi
		is_cron "$block" && printf '%s\0' "$(localize "$block")"
		block=
	done < <(doc_examples "$MR_ROOT/$1")
}

# The files of the directory but the batches, with their contents' sums.
snapshot() {
	find . -type f ! -name '*batch' ! -name '*.state' ! -name st ! -path './bin/*' \
	    -exec cksum {} + | sort
}

@test "the cron examples change nothing when mr-tail fails, run by sh as cron does" {
	local doc block n=0 state
	mkdir work && cd work
	cp -R "$BATS_FILE_TMPDIR/fixtures/." .
	PATH=$PWD/bin:$PATH
	for doc in README.md man/mr-tail.1; do
		while IFS= read -r -d '' block; do
			run sh -c "$block"
			[[ $status -eq 0 ]] || { echo "$block: $output"; false; }
			snapshot >../before
			# Damage the state file: mr-tail stops with an error.
			state=$(printf '%s' "$block" | grep -o -- '-s [^ ]*' | head -1)
			state=${state#-s }
			echo garbage >"$state"
			run sh -c "$block"
			[[ $status -ne 0 && $output == *"$state"* ]] || { echo "$block: $status $output"; false; }
			snapshot >../after
			diff ../before ../after || { echo "$block changed the files above"; false; }
			rm "$state"
			n=$((n + 1))
		done < <(cron_examples "$doc")
	done
	((n == 3))
}

@test "every man page's examples are run above" {
	local f
	for f in "$MR_ROOT"/man/*.1; do
		grep -qE "run_doc man/${f##*/}(;|$)" "$BATS_TEST_FILENAME" ||
		    { echo "no test runs the examples of ${f##*/}"; false; }
	done
}
