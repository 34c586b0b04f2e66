#!/usr/bin/env bats
# mr-task: one task of a Streaming job, with Hadoop's line, key and
# partition rules, its counters and its fate in the task directory.
bats_require_minimum_version 1.5.0
load helper

# NORMALIZE: the reference for a command's output lines, in awk: a line
# ends at \n, \r\n or a lone \r; the key is everything before the K-th
# SEP; key and value are joined by OSEP (a line with fewer separators gets
# a trailing OSEP).
NORMALIZE='BEGIN { RS = "\r\n|\r|\n"; slen = length(sep) }
{
	rest = $0; key = ""; n = 0
	while (n < k) {
		j = index(rest, sep)
		if (j == 0)
			break
		key = n ? key sep substr(rest, 1, j - 1) : substr(rest, 1, j - 1)
		rest = substr(rest, j + slen)
		n++
	}
	if (n < k)
		print $0 osep
	else
		print key osep rest
}'

# lines N SEED: N random lines over a small alphabet of letters, TABs,
# colons and 'x' (which the mappers below turn into '\r').
lines() {
	mawk -v n="$1" -v seed="$2" 'BEGIN {
		srand(seed)
		split("a b c : :: \t x xx", w, " ")
		w[10] = "\t"
		for (i = 0; i < n; i++) {
			m = int(rand() * 9); line = ""
			for (j = 0; j < m; j++)
				line = line w[1 + int(rand() * 10)]
			print line
		}
	}'
}

setup() {
	mkdir m0 m1 r0
}

@test "a map-only task cuts the mapper's lines at \\n, \\r\\n and a lone \\r, as Hadoop's LineReader" {
	for seed in 1 2 3; do
		lines 3000 "$seed" >in.txt
		run mr-task -d m0 -M in.txt -n 0 -o out -- tr x '\r'
		[ "$status" -eq 0 ]
		tr x '\r' <in.txt | mawk -v sep="$TAB" -v k=1 -v osep="$TAB" "$NORMALIZE" >want
		cmp out want
		[ "$(cat m0/status)" = ok ]
		grep -qx "in 3000" m0/counts
		grep -qx "mapout $(wc -l <want)" m0/counts
		grep -qx "bytes $(wc -c <want)" m0/counts
	done
}

@test "-t, -k and -O split and join keys as Streaming's separators, any string" {
	lines 2000 7 >in.txt
	for spec in ':: 2 |' ': 1 ==' 'a 3 \t'; do
		read -r sep k osep <<<"$spec"
		osep=${osep//\\t/$TAB}
		rm -f out
		mr-task -d m0 -M in.txt -n 0 -t "$sep" -k "$k" -O "$osep" -o out -- tr x '\r'
		tr x '\r' <in.txt | mawk -v sep="$sep" -v k="$k" -v osep="$osep" "$NORMALIZE" >want
		cmp out want
	done
}

@test "map output is sorted and dealt to one file per reducer by Hadoop's hash" {
	lines 5000 11 | tr -d x >in.txt
	mr-task -d m0 -M in.txt -n 3 -t : -k 1 -- cat
	mawk -v sep=: -v k=1 -v osep="$TAB" "$NORMALIZE" in.txt | mr-sort |
	    mr-partition -n 3 -p want-
	for p in 00000 00001 00002; do
		cmp "m0/p-$p" "want-$p"
	done
	[ ! -e m0/p-00003 ]
	grep -qx "mapout 5000" m0/counts
}

@test "a split reads exactly Hadoop's records: two halves give every line once" {
	lines 4000 5 | tr -d x >in.txt
	size=$(wc -c <in.txt)
	half=$((size / 2))
	mr-task -d m0 -M in.txt -x "0:$half" -n 0 -o out0 -- cat
	mr-task -d m1 -M in.txt -x "$half:$((size - half))" -n 0 -o out1 -- cat
	cat out0 out1 | cmp - <(mawk -v sep="$TAB" -v k=1 -v osep="$TAB" "$NORMALIZE" in.txt)
	in0=$(sed -n 's/^in //p' m0/counts)
	in1=$(sed -n 's/^in //p' m1/counts)
	[ $((in0 + in1)) -eq 4000 ]
}

@test "a combiner reads the sorted map output and its lines are partitioned" {
	printf 'b a b\nc a\nb\n' >in.txt
	mr-task -d m0 -M in.txt -n 2 -C 2 -- mr-map -w mr-reduce count
	cat m0/p-00000 m0/p-00001 | sort >got
	printf 'a\t2\nb\t3\nc\t1\n' | cmp - got
	[ "$(cat m0/counts)" = "$(printf 'in 3\nmapout 6\ncombin 6\ncombout 3')" ]
}

@test "a reduce task merges its inputs into the reducer and counts records and groups" {
	printf 'a\t1\nc\t2\n' >in0
	printf 'a\t3\nb\t4\nc\t5\n' >in1
	run mr-task -d r0 -R -I in0 -I in1 -o out -- cat
	[ "$status" -eq 0 ]
	printf 'a\t1\na\t3\nb\t4\nc\t2\nc\t5\n' | cmp - out
	[ "$(cat r0/counts)" = "$(printf 'redin 5\ngroups 3\nout 5\nbytes 20')" ]
	# The identity reducer, and a reducer line without a TAB.
	mr-task -d r0 -R -I in0 -I in1 -O , -o ident
	printf 'a,1\na,3\nb,4\nc,2\nc,5\n' | cmp - ident
	mr-task -d r0 -R -I in0 -o notab -- cut -f1
	printf 'a\t\nc\t\n' | cmp - notab
}

@test "a map output out of order fails the reduce task in its merge stage" {
	printf 'b\t1\na\t2\n' >in0
	run --separate-stderr mr-task -d r0 -R -I in0 -o out -- cat
	[ "$status" -eq 1 ]
	[ "$(cat r0/status)" = "merge 1" ]
	[[ $stderr == *"in0:2: disorder"* ]]
	[ ! -e out ]
}

@test "a failing, killed or early-stopping command is the task's status" {
	printf 'a\n' >in.txt
	run mr-task -d m0 -M in.txt -n 1 -- sh -c 'echo oops >&2; exit 3'
	[ "$status" -eq 1 ]
	[ "$(cat m0/status)" = "mapper 3" ]
	[ "$(cat m0/err)" = oops ]
	run mr-task -d m0 -M in.txt -n 1 -- sh -c 'kill -9 $$'
	[ "$(cat m0/status)" = "mapper 265" ]	# 256 + SIGKILL
	run mr-task -d m0 -M in.txt -n 1 -- sh -c 'exit 137'
	[ "$(cat m0/status)" = "mapper 137" ]
	seq 400000 >big.txt
	run mr-task -d m0 -M big.txt -n 1 -- head -n 1
	[ "$status" -eq 1 ]
	[ "$(cat m0/status)" = "stopped 269" ]
	run mr-task -d m0 -M big.txt -n 1 -C 3 -- cat head -n 1
	[ "$(cat m0/status)" = "cstopped 269" ]
	run mr-task -d m0 -M in.txt -n 1 -C 3 -- cat sh -c 'exit 5'
	[ "$(cat m0/status)" = "combiner 5" ]
	printf 'a\t1\n' >in0
	run mr-task -d r0 -R -I in0 -o out -- false
	[ "$(cat r0/status)" = "reducer 1" ]
	[ ! -e out ]
}

@test "the commands' reporter:counter lines are summed into the counts" {
	printf 'a\nb\n' >in.txt
	mr-task -d m0 -M in.txt -n 0 -o out -- sh -c '
		cat
		echo "reporter:counter:My Group,hits,5" >&2
		echo "reporter:counter:My Group,hits,-2" >&2
		echo "reporter:counter:g,n,7" >&2
		echo "reporter:counter:bad,line" >&2
		echo "reporter:counter:g,n,x1" >&2
		echo "reporter:status:working" >&2'
	grep -qx "counter${TAB}My Group${TAB}hits${TAB}3" m0/counts
	grep -qx "counter${TAB}g${TAB}n${TAB}7" m0/counts
	[ "$(grep -c '^counter' m0/counts)" -eq 2 ]
}

@test "commands get -e variables and -L links, and a linked script runs by its name" {
	printf 'a\n' >in.txt
	printf '#!/bin/sh\necho "$GREETING $(cat)"\n' >greet.sh
	chmod +x greet.sh
	(cd m0 && mr-task -d . -M ../in.txt -n 0 -o ../out -e GREETING=hello \
	    -L "hi.sh=$PWD/../greet.sh" -- hi.sh)
	[ "$(cat out)" = "hello a$TAB" ]
	[ -L m0/hi.sh ]
}

@test "usage errors exit 2; --help and --version" {
	run mr-task -M x -- cat
	[ "$status" -eq 2 ]
	[[ $output == *"-d DIR is required"* ]]
	run mr-task -d m0 -- cat
	[ "$status" -eq 2 ]
	run mr-task -d m0 -M x -x 5 -- cat
	[ "$status" -eq 2 ]
	run mr-task -d m0 -M x -C 1 -- cat
	[ "$status" -eq 2 ]
	run mr-task -d m0 -R -L a/b=c
	[ "$status" -eq 2 ]
	run mr-task --help
	[ "$status" -eq 0 ]
	[[ $output == usage:* ]]
	run mr-task --version
	[[ $output == "mr-task (mr-tools) "* ]]
}

@test "a full disk is an error with status 1; a closed pipe ends quietly" {
	seq 100000 | sed 's/$/\t1/' | sort >in0
	run bash -c 'mr-task -d r0 -R -I in0 >/dev/full'
	[ "$status" -eq 1 ]
	[[ $output == *"write error"* ]]
	run bash -c 'mr-task -d r0 -R -I in0 | head -1'
	[ "$status" -eq 0 ]
	[ "$output" = "1${TAB}1" ]
}

@test "a missing input is reported by name and leaves no output" {
	run mr-task -d m0 -M nosuch -n 0 -o out -- cat
	[ "$status" -eq 1 ]
	[[ $output == *"nosuch"* ]]
	[ "$(cat m0/status)" = "split 1" ]
	[ ! -e out ]
}
