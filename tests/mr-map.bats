#!/usr/bin/env bats
# mr-map: built-in mappers (words, fields, regex, JSON) and parallel
# Hadoop Streaming command mappers.
bats_require_minimum_version 1.5.0
load helper

USAGE1='usage: mr-map -w|-a [-lqv] [--strict] [FILE...]'
USAGE2='       mr-map [-d DELIM] [-K LIST] [-V LIST] [-lqv] [--strict] [FILE...]
       mr-map -e REGEX [-g] [-K LIST] [-V LIST] [-lqv] [--strict] [FILE...]
       mr-map -j -K PATHS [-V PATHS] [-lqv] [--strict] [FILE...]
       mr-map [-P N] [-b SIZE] [-o] [-i FILE] [--] COMMAND [ARG...]'

# counters IN OUT SKIPPED: what -v writes on stderr.
counters() {
	printf 'mr-map: counter mr-map,input records: %s\n' "$1"
	printf 'mr-map: counter mr-map,output records: %s\n' "$2"
	printf 'mr-map: counter mr-map,skipped records: %s' "$3"
}

# A log of the Apache combined format, hand-written.
write_access_log() {
	cat >access.log <<'EOF'
10.0.0.1 - - [10/Oct/2026:13:55:36 +0000] "GET /index.html HTTP/1.1" 200 2326 "-" "curl/8.4.0"
10.0.0.2 - - [10/Oct/2026:13:55:37 +0000] "GET /missing HTTP/1.1" 404 512 "-" "curl/8.4.0"
10.0.0.1 - - [10/Oct/2026:13:55:38 +0000] "POST /api/login HTTP/1.1" 200 87 "-" "Mozilla/5.0"
10.0.0.3 - - [10/Oct/2026:13:55:39 +0000] "GET /index.html HTTP/1.1" 304 0 "-" "Mozilla/5.0"
truncated line
EOF
}

# ---- words -------------------------------------------------------------

@test "-w word counts equal awk's on generated text" {
	"$MR_TOOLS/gendata" text 2000000 >text
	mr-map -w text | cut -f1 | sort | uniq -c | sort -k2 >got
	mawk '{for (i = 1; i <= NF; i++) c[$i]++} END {for (w in c) printf "%7d %s\n", c[w], w}' text |
	    sort -k2 >want
	[ -s want ]
	diff got want
	# every output line is "TOKEN TAB 1"
	run -1 bash -c "mr-map -w text | grep -cv '^[^ ${TAB}]*${TAB}1\$'"
	[ "$output" = 0 ]
}

@test "-w splits at space, TAB, CR, VT and FF, and keeps other bytes" {
	printf 'a b\tc\rd\ve\ff  g\n\nh\xff\x01i\n' >in
	run -0 mr-map -w in
	[ "$output" = "$(printf 'a\t1\nb\t1\nc\t1\nd\t1\ne\t1\nf\t1\ng\t1\nh\xff\x01i\t1')" ]
}

@test "-a takes runs of letters and digits, UTF-8 words whole; -l lowercases ASCII" {
	printf 'Caf\xc3\xa9 au-LAIT, x2=Y3!\n\xc3\x89T\xc3\x89 \n' >in
	run -0 mr-map -a -l in
	[ "$output" = "$(printf 'caf\xc3\xa9\t1\nau\t1\nlait\t1\nx2\t1\ny3\t1\n\xc3\x89t\xc3\x89\t1')" ]
}

@test "-v reports the input, output and skipped record counters on stderr" {
	printf 'one two\n\nthree' >in
	run -0 --separate-stderr mr-map -w -v in
	[ "${#lines[@]}" = 3 ]
	[ "$stderr" = "$(counters 3 3 0)" ]
}

@test "under Hadoop the record counts are counters" {
	printf 'a b\nc\n' >in
	mapreduce_task_id=task_1_m_000000 run -0 --separate-stderr mr-map -w in
	[ "$stderr" = "reporter:counter:mr-map,input records,2
reporter:counter:mr-map,output records,3
reporter:counter:mr-map,skipped records,0" ]
}

@test "several files are read in turn, and - is standard input" {
	echo 'a b' >f1
	echo 'c' >f2
	run -0 bash -c 'echo x | mr-map -w f1 - f2'
	[ "$output" = "$(printf 'a\t1\nb\t1\nx\t1\nc\t1')" ]
}

# ---- fields ------------------------------------------------------------

@test "fields: status and bytes from an Apache log, a short line skipped" {
	write_access_log
	run -0 --separate-stderr mr-map -d ' ' -K 9 -V 10 -v access.log
	[ "$output" = "$(printf '200\t2326\n404\t512\n200\t87\n304\t0')" ]
	[ "$stderr" = "$(counters 5 4 1)
mr-map: 1 record skipped: access.log:5: no field 10 (the record has 2)" ]
}

@test "fields: --strict names the file and line of a record lacking a field" {
	write_access_log
	run -1 --separate-stderr mr-map --strict -d ' ' -K 9 -V 10 access.log
	[ "$stderr" = "mr-map: access.log:5: no field 10 (the record has 2)" ]
	[ "${#lines[@]}" = 4 ]
	# Said with status 1 even when the output's reader has gone.
	run into_closed_pipe mr-map --strict -d ' ' -K 9 -V 10 access.log
	[ "$output" = "mr-map: access.log:5: no field 10 (the record has 2)
status 1" ]
}

@test "fields: default is runs of blanks as awk, lists and ranges keep their order" {
	printf '  a b\t\tc  d e  \n' >in
	run -0 mr-map -K 2-3 -V 5,1 in
	[ "$output" = "$(printf 'b\tc\te\ta')" ]
	run -0 mr-map -K 4- in
	[ "$output" = "$(printf 'd\te\t1')" ]
	run -0 mr-map -K 1 -l -V 3- in
	[ "$output" = "$(printf 'a\tc\td\te')" ]
}

@test "fields: -d keeps empty fields, -d '\\t' is TAB, -l lowercases only the key" {
	printf 'A,,B\n' >in
	run -0 mr-map -d , -K 1,2 -V 3 -l in
	[ "$output" = "$(printf 'a\t\tB')" ]
	printf 'x\ty z\tQ\n' >in
	run -0 mr-map -d '\t' -K 2 -V 3 in
	[ "$output" = "$(printf 'y z\tQ')" ]
}

@test "fields: randomized records agree with awk" {
	mawk 'BEGIN { srand(7); for (r = 0; r < 3000; r++) { n = int(rand() * 6);
		line = ""; for (i = 0; i < n; i++) { w = ""; k = 1 + int(rand() * 4);
			for (j = 0; j < k; j++) w = w sprintf("%c", 97 + int(rand() * 26));
			line = line (i ? (rand() < 0.3 ? "  " : " ") : "") w }
		print line } }' >in
	mr-map -K 3,1 -V 2 in >got
	mawk 'NF >= 3 { print $3 "\t" $1 "\t" $2 }' in >want
	[ -s want ]
	diff got want
	mr-map -d ' ' -K 2 in >got
	mawk 'BEGIN { FS = "[ ]" } NF >= 2 { print $2 "\t1" }' in >want
	diff got want
}

@test "fields: bad lists and mixed mappers are usage errors" {
	run -2 --separate-stderr mr-map -K 2-1 in
	[ "$stderr" = "mr-map: -K: '2-1' is not a field list
$USAGE1
$USAGE2" ]
	run -2 --separate-stderr mr-map -w -e x
	[ "${stderr%%$'\n'*}" = "mr-map: -w and -e exclude each other" ]
	run -2 --separate-stderr mr-map --words --regex x
	[ "${stderr%%$'\n'*}" = "mr-map: --words and --regex exclude each other" ]
	run -2 --separate-stderr mr-map -w -K 1
	[ "${stderr%%$'\n'*}" = "mr-map: -K and -w exclude each other" ]
	run -2 --separate-stderr mr-map --value 2 --alnum
	[ "${stderr%%$'\n'*}" = "mr-map: --value and --alnum exclude each other" ]
	run -2 --separate-stderr mr-map
	[ "${stderr%%$'\n'*}" = "mr-map: missing mapper (-w, -a, -d, -K, -e, -j or COMMAND)" ]
	run -2 --separate-stderr mr-map -w -P 2
	[ "${stderr%%$'\n'*}" = "mr-map: -P and -w exclude each other" ]
	run -2 --separate-stderr mr-map --ordered -K 1
	[ "${stderr%%$'\n'*}" = "mr-map: --ordered and -K exclude each other" ]
	run -2 --separate-stderr mr-map --input in -w in
	[ "${stderr%%$'\n'*}" = "mr-map: --input and FILE operands exclude each other" ]
}

# ---- regex -------------------------------------------------------------

@test "regex: method and path from a log by groups; no match is skipped" {
	write_access_log
	run -0 --separate-stderr mr-map -v -e '"([A-Z]+) ([^ ]+)' -K 2 -V 1 access.log
	[ "$output" = "$(printf '/index.html\tGET\n/missing\tGET\n/api/login\tPOST\n/index.html\tGET')" ]
	[ "$stderr" = "$(counters 5 4 1)
mr-map: 1 record skipped: access.log:5: no match" ]
	run -1 --separate-stderr mr-map --strict -e '"([A-Z]+) ([^ ]+)' access.log
	[ "$stderr" = "mr-map: access.log:5: no match" ]
}

@test "regex: the key is group 1, or the whole match without groups; -g takes every match" {
	printf 'id=7 id=42 x\nnone\n' >in
	run -0 --separate-stderr mr-map -e 'id=([0-9]+)' in
	[ "$output" = "$(printf '7\t1')" ]
	[ "$stderr" = "mr-map: 1 record skipped: in:2: no match" ]
	run -0 mr-map -q -e 'id=[0-9]+' -g in
	[ "$output" = "$(printf 'id=7\t1\nid=42\t1')" ]
	run -0 mr-map -q -e '(i)d=([0-9]+)' -g -K 0 -V 2,1 in
	[ "$output" = "$(printf 'id=7\t7\ti\nid=42\t42\ti')" ]
	run -0 mr-map -q -e '^id' -g in
	[ "$output" = "$(printf 'id\t1')" ]
}

@test "regex: a group that did not take part skips the record" {
	printf 'ab\nb\n' >in
	run -0 --separate-stderr mr-map -v -e '(a)?b' in
	[ "$output" = "$(printf 'a\t1')" ]
	[ "$stderr" = "$(counters 2 1 1)
mr-map: 1 record skipped: in:2: group 1 did not match" ]
	run -1 --separate-stderr mr-map --strict -e '(a)?b' in
	[ "$stderr" = "mr-map: in:2: group 1 did not match" ]
}

@test "regex: -g agrees with grep -o on random input" {
	mawk 'BEGIN { srand(3); for (r = 0; r < 2000; r++) { s = "";
		n = int(rand() * 30); for (i = 0; i < n; i++)
			s = s substr("ab1 23x-9", 1 + int(rand() * 9), 1); print s } }' >in
	mr-map -e '[0-9]+' -g in | cut -f1 >got
	grep -oE '[0-9]+' in >want
	[ -s want ]
	diff got want
}

@test "regex: records over many read buffers, the last one filling its buffer, agree with grep" {
	"$MR_TOOLS/gendata" text 3000000 | head -c 2097152 >in
	mr-map -q -e '(th[a-z]*)' in | cut -f1 >got
	# The leftmost-longest first match of each line, as POSIX regexec.
	mawk 'match($0, /th[a-z]*/) { print substr($0, RSTART, RLENGTH) }' in >want
	[ -s want ]
	diff got want
}

@test "regex: bad expressions and groups beyond the expression are usage errors" {
	run -2 --separate-stderr mr-map -e '(' in
	[[ ${stderr%%$'\n'*} == "mr-map: -e: '(' is not a regular expression: "* ]]
	run -2 --separate-stderr mr-map -e '(a)' -K 2 in
	[ "${stderr%%$'\n'*}" = "mr-map: -K: group 2, but the regular expression has 1 group" ]
	run -2 --separate-stderr mr-map -e 'x' --value 1 in
	[ "${stderr%%$'\n'*}" = "mr-map: --value: group 1, but the regular expression has 0 groups" ]
}

# ---- JSON --------------------------------------------------------------

@test "json: dotted paths, strings with TAB CR LF escaped, invalid lines skipped" {
	cat >in <<'EOF'
{"user": {"id": "u1", "name": "A\tB"}, "bytes": 512, "msg": "x\ny\rz\\"}
{"user": {"id": 7}, "bytes": 1.5e3, "msg": null}
{"user": {"name": "no id"}, "bytes": 3}
{"user": {"id": "u2"}, "bytes": 9
not json

{"user": {"id": "\u00e9"}, "bytes": [1, {"a": 2}]}
EOF
	run -0 --separate-stderr mr-map -j -K user.id -V bytes,msg -v in
	[ "${lines[0]}" = "u1${TAB}512${TAB}x\\ny\\rz\\\\" ]
	[ "${lines[1]}" = "7${TAB}1.5e3${TAB}null" ]
	[ "${#lines[@]}" = 2 ]
	[ "$stderr" = "$(counters 7 2 5)
mr-map: 5 records skipped; the first: in:3: no field user.id" ]
	run -0 mr-map -q -j -K user.name -l in
	[ "$output" = "$(printf 'a\\tb\t1\nno id\t1')" ]
	run -0 mr-map -q -j -K bytes.1.a,user.id in
	[ "$output" = "$(printf '2\t\xc3\xa9\t1')" ]
}

@test "json: --strict names the line and what is wrong" {
	printf '{"a": 1}\n{"a" 2}\n' >in
	run -1 --separate-stderr mr-map -j -K a --strict in
	[ "$output" = "$(printf '1\t1')" ]
	[ "$stderr" = "mr-map: in:2: invalid JSON at byte 6: expected ':'" ]
	printf '{"b": 1}\n' >in
	run -1 --separate-stderr mr-map -j -K x.y --strict in
	[ "$stderr" = "mr-map: in:1: no field x.y" ]
	run -2 --separate-stderr mr-map -j
	[ "${stderr%%$'\n'*}" = "mr-map: -j needs -K PATHS" ]
}

@test "skipped records are never silent: their count and the first on stderr, unless -q" {
	for i in 1 2 3; do echo "{\"user\": {\"id\": \"u$i\"}}"; done >in
	run -0 --separate-stderr mr-map -j -K user.ID in
	[ -z "$output" ]
	[ "$stderr" = "mr-map: 3 records skipped; the first: in:1: no field user.ID" ]
	run -0 --separate-stderr mr-map -q -j -K user.ID in
	[ -z "$output" ] && [ -z "$stderr" ]
	run -0 --separate-stderr mr-map -j -K user.id in
	[ "${#lines[@]}" = 3 ] && [ -z "$stderr" ]
	mapreduce_task_id=task_1_m_000000 run -0 --separate-stderr mr-map -q -j -K user.ID in
	[ "$stderr" = "reporter:counter:mr-map,input records,3
reporter:counter:mr-map,output records,0
reporter:counter:mr-map,skipped records,3" ]
}

@test "json: randomized records agree with awk" {
	mawk 'BEGIN { srand(11); for (r = 0; r < 2000; r++) {
		id = int(rand() * 100); b = int(rand() * 100000);
		if (rand() < 0.1) { print "{\"u\": {\"x\": 1}, \"b\": " b "}"; continue }
		if (rand() < 0.1) { print "{\"u\": {\"id\": \"k" id "\"}, \"b\": " b; continue }
		printf "{ \"pad\": [1, \"s\", {}], \"u\" : {\"id\":\"k%d\" } ,\"b\":%d }\n", id, b } }' >in
	mr-map -j -K u.id -V b in >got
	mawk -F'"' '/"id"/ && /}$/ { split($0, a, "\"b\":"); sub(/ *}$/, "", a[2]); print $10 "\t" a[2] }' in >want
	[ -s want ]
	diff got want
}

# ---- bad input ---------------------------------------------------------

@test "NUL bytes, 0xFF and invalid UTF-8 pass through every built-in mapper" {
	printf 'a\0b c\xff\xfe d\xc3\x28\n{"k": "\xff"}\n{"k": "ok\\u0000"}\n' >in
	run -0 mr-map -w in
	[ "$(mr-map -w in | od -An -c | tr -d ' \n')" = 'a\0b\t1\nc377376\t1\nd303(\t1\n{"k":\t1\n"377"}\t1\n{"k":\t1\n"ok\u0000"}\t1\n' ]
	run -0 mr-map -a in
	run -0 mr-map -d ' ' -K 2 in
	run -0 mr-map -q -e 'b (.)' in
	[ "$(mr-map -q -e 'b (.)' in | od -An -c | tr -d ' \n')" = 'c\t1\n' ]
	run -0 --separate-stderr mr-map -j -K k -v in
	[ "$output" = "ok\\0${TAB}1" ]
	[ "$stderr" = "$(counters 3 1 2)
mr-map: 2 records skipped; the first: in:1: invalid JSON at byte 1: unexpected character" ]
}

@test "a 50 MiB line is one record for every mapper" {
	{ printf 'x '; head -c 52428800 /dev/zero | tr '\0' 'y'; printf ' z\n{"k": "'; head -c 1000000 /dev/zero | tr '\0' '['; printf '"}\n'; } >in
	run -0 bash -c 'mr-map -w in | cut -c1-3 | tr "\t" :'
	[ "$output" = "$(printf 'x:1\nyyy\nz:1\n{"k\n"[[')" ]
	run -0 bash -c 'mr-map -q -d " " -K 3 -V 1 in'
	[ "$output" = "$(printf 'z\tx')" ]
	run -0 bash -c 'mr-map -q -e " (z)\$" in'
	[ "$output" = "$(printf 'z\t1')" ]
	run -0 bash -c 'mr-map -q -j -K k in | wc -c'
	[ "$output" = 1000003 ]
	run -0 bash -c 'mr-map -P 2 -b 64K -- wc -c <in | sort -n | tr "\n" " "'
	[ "$output" = "1000010 52428805 " ]
	run -0 bash -c 'cat in | mr-map -P 2 -b 64K -- wc -c | sort -n | tr "\n" " "'
	[ "$output" = "1000010 52428805 " ]
}

@test "deeply nested and broken JSON is skipped, never a crash" {
	{ head -c 300000 /dev/zero | tr '\0' '['; echo; printf '{"a":\n{"a":"\\ud800"}\n{"a":"\\x"}\n{"a":01}\n[\n"\n'; } >in
	run -0 --separate-stderr mr-map -j -K a -v in
	[ "$output" = "$(printf '\xef\xbf\xbd\t1')" ]
	[ "$stderr" = "$(counters 7 1 6)
mr-map: 6 records skipped; the first: in:1: invalid JSON at byte 514: nested too deeply" ]
}

@test "CRLF ends a record, a BOM is dropped, a last line without newline counts" {
	printf '\xef\xbb\xbfa b\r\nc\r\nd' >in
	run -0 --separate-stderr mr-map -d ' ' -K 1 -V 2- in
	[ "$output" = "$(printf 'a\tb')" ]
	[ "$stderr" = "mr-map: 2 records skipped; the first: in:2: no field 2 (the record has 1)" ]
	run -0 mr-map -K 1 in
	[ "$output" = "$(printf 'a\t1\nc\t1\nd\t1')" ]
}

# ---- output errors -----------------------------------------------------

@test "a full disk is an error with status 1" {
	echo 'a b' >in
	run -1 --separate-stderr bash -c 'mr-map -w in >/dev/full'
	[ "$stderr" = "mr-map: standard output: write error: No space left on device" ]
	run -1 --separate-stderr bash -c 'mr-map -P 2 -- cat <in >/dev/full'
	[ "$stderr" = "mr-map: standard output: write error: No space left on device" ]
}

@test "| head -1 ends at once and quietly, built-in and command mappers" {
	"$MR_TOOLS/gendata" text 3000000 >text
	run -0 --separate-stderr bash -c 'set -o pipefail; mr-map -w text | head -1'
	[ -z "$stderr" ]
	run -0 --separate-stderr bash -c 'set -o pipefail; mr-map -P 2 -o -b 4K -- cat <text | head -1'
	[ -z "$stderr" ]
	[ "$output" = "$(head -1 text)" ]
}

# ---- command mappers ---------------------------------------------------

@test "-P: the same records as one copy, and no line torn" {
	"$MR_TOOLS/gendata" text 1500000 >text
	mapper='{ printf "%s:", NR; for (i = 1; i <= NF; i++) printf "%s|", $i; print "END" }'
	mr-map -P 1 -- mawk "$mapper" <text | sed 's/^[0-9]*://' | sort >one
	mr-map -P 4 -b 8K -- mawk "$mapper" <text >many
	run -1 grep -cv '^[0-9]*:.*END$' many
	[ "$output" = 0 ]
	sed 's/^[0-9]*://' many | sort | cmp - one
	[ "$(wc -l <one)" = "$(wc -l <text)" ]
	# the same through a pipe, where blocks are cut as data arrives
	cat text | mr-map -P 3 -b 8K -- mawk "$mapper" | sed 's/^[0-9]*://' | sort | cmp - one
}

@test "-P: long and short output lines stay whole into a file, a pipe and an appended file" {
	# Lines up to 40 KiB, longer than what mr-map looks at to find a line's
	# end when it splices output on, among short ones; each copy's lines
	# must come out whole whatever stdout is.
	mawk 'BEGIN { srand(5); for (i = 0; i < 3000; i++) print i, int(rand() * (rand() < 0.1 ? 40000 : 60)) }' >in
	# (no sprintf width: mawk's sprintf stops at 8 KiB)
	mapper='{ s = "x"; while (length(s) < $2) s = s s; print $1 ":" substr(s, 1, $2) ":END" }'
	mawk "$mapper" in | sort >want
	mr-map -P 3 -b 2K -- mawk "$mapper" <in >file
	mr-map -P 3 -b 2K -- mawk "$mapper" <in | cat >piped
	echo "0:first:END" >appended
	mr-map -P 3 -b 2K -- mawk "$mapper" <in >>appended
	for f in file piped; do
		run -1 grep -cv '^[0-9]*:x*:END$' "$f"
		[ "$output" = 0 ]
		sort "$f" | cmp - want
	done
	[ "$(head -1 appended)" = "0:first:END" ]
	tail -n +2 appended | sort | cmp - want
}

@test "-o keeps the output in input order, from a file and from a pipe" {
	seq 1 200000 >in
	run -0 bash -c 'mr-map -P 4 -o -b 16K -- mawk "{print \$1 * 2}" <in | cmp - <(mawk "{print \$1 * 2}" in)'
	run -0 bash -c 'cat in | mr-map -P 3 -o -- mawk "{print; print \"-\"}" | cmp - <(mawk "{print; print \"-\"}" in)'
}

@test "each copy gets the Hadoop map-task environment" {
	seq 1 1000 >in
	mr-map -P 3 -- sh -c 'cat >/dev/null; echo "$mapreduce_task_partition $mapred_task_partition $mapreduce_task_ismap $mapreduce_task_id $mapreduce_task_attempt_id $mapred_task_id $mapreduce_job_id ${mapreduce_map_input_file-unset}"' <in | sort >got
	job=$(head -1 got | cut -d' ' -f7)
	[[ $job == job_local*_0001 ]]
	n=${job#job_}
	printf '%s\n' "0 0 true task_${n}_m_000000 attempt_${n}_m_000000_0 attempt_${n}_m_000000_0 $job unset" \
	    "1 1 true task_${n}_m_000001 attempt_${n}_m_000001_0 attempt_${n}_m_000001_0 $job unset" \
	    "2 2 true task_${n}_m_000002 attempt_${n}_m_000002_0 attempt_${n}_m_000002_0 $job unset" >want
	diff got want
	# an enclosing job's id is kept
	mapreduce_job_id=job_202611_0042 run -0 mr-map -P 1 -- sh -c 'cat >/dev/null; echo $mapreduce_job_id $mapreduce_task_id' <in
	[ "$output" = "job_202611_0042 task_202611_0042_m_000000" ]
}

@test "a named input file is in the environment: whole file, or each copy's range with -o" {
	seq 1 1000 >in
	size=$(wc -c <in)
	run -0 mr-map -P 2 -i in -- sh -c 'cat >/dev/null; echo "$mapreduce_map_input_file $map_input_file $mapreduce_map_input_start $map_input_start $mapreduce_map_input_length $map_input_length"'
	[ "${lines[0]}" = "file:$PWD/in file:$PWD/in 0 0 $size $size" ]
	[ "${lines[1]}" = "${lines[0]}" ]
	# with -o each copy reads exactly its range
	mr-map -P 3 -o -i in -- sh -c 'wc -c | tr -d " " >len.$mapreduce_task_partition; echo "$mapreduce_map_input_start $mapreduce_map_input_length"' >ranges
	read -r s0 l0 < <(sed -n 1p ranges)
	read -r s1 l1 < <(sed -n 2p ranges)
	read -r s2 l2 < <(sed -n 3p ranges)
	[ "$s0" = 0 ] && [ "$s1" = "$l0" ] && [ "$s2" = $((l0 + l1)) ] && [ $((s2 + l2)) = "$size" ]
	[ "$(cat len.0)" = "$l0" ] && [ "$(cat len.1)" = "$l1" ] && [ "$(cat len.2)" = "$l2" ]
	[ "$(head -c "$s1" in | tail -c 1 | od -An -c | tr -d ' ')" = '\n' ]
}

@test "a failing copy stops the others: status 1 naming command, copy and status" {
	seq 1 100000 >in
	run -1 --separate-stderr mr-map -P 3 -- sh -c 'cat >/dev/null; [ "$mapreduce_task_partition" != 1 ] || exit 3' <in
	[ "$stderr" = "mr-map: sh -c 'cat >/dev/null; [ \"\$mapreduce_task_partition\" != 1 ] || exit 3': copy 1: exit status 3" ]
	run -1 --separate-stderr mr-map -P 2 -- sh -c '[ "$mapreduce_task_partition" = 0 ] && kill -9 $$; exec sleep 60' <in
	[ "$stderr" = "mr-map: sh -c '[ \"\$mapreduce_task_partition\" = 0 ] && kill -9 \$\$; exec sleep 60': copy 0: killed by signal 9 (SIGKILL)" ]
	# the command as the shell would read it: quoted words, a quote as '\''
	run -1 --separate-stderr mr-map -P 1 -- sh -c "exit 3" "it's" <in
	[ "$stderr" = "mr-map: sh -c 'exit 3' 'it'\\''s': copy 0: exit status 3" ]
	run -1 --separate-stderr mr-map -P 1 -- /nonexistent/mapper <in
	[ "$stderr" = "mr-map: /nonexistent/mapper: No such file or directory
mr-map: /nonexistent/mapper: copy 0: exit status 127" ]
}

@test "a copy that stops reading its input early is an error" {
	seq 1 100000 >in
	run -1 --separate-stderr mr-map -P 1 -- head -1 <in
	[ "$output" = 1 ]
	[ "$stderr" = "mr-map: head -1: copy 0: stopped reading its input" ]
	seq 1 10 >in
	run -1 --separate-stderr mr-map -P 1 -- sh -c 'read x; echo $x' <in
	[ "$stderr" = "mr-map: sh -c 'read x; echo \$x': copy 0: stopped reading its input" ]
	# copies that read nothing fail when there is input, not when there is none
	run -1 --separate-stderr bash -c 'seq 1 100000 | mr-map -P 2 -- true'
	[[ $stderr == "mr-map: true: copy "[01]": stopped reading its input" ]]
	run -0 --separate-stderr mr-map -P 3 -- true </dev/null
	[ -z "$stderr" ]
}

@test "copies' stderr passes through; reporter counters are summed at the end" {
	seq 1 100 >in
	run -0 --separate-stderr mr-map -P 3 -- sh -c 'cat >/dev/null; echo "log $mapreduce_task_partition" >&2; echo reporter:counter:grp,lines,2 >&2; echo reporter:status:working >&2; printf "reporter:counter:grp,other,1"  >&2' <in
	[ "$(printf '%s\n' "$stderr" | sort)" = "$(printf 'log 0\nlog 1\nlog 2\nmr-map: counter grp,lines: 6\nmr-map: counter grp,other: 3')" ]
	# under Hadoop they are passed up as they are
	mapreduce_task_id=task_1_m_000007 run -0 --separate-stderr mr-map -P 2 -- sh -c 'cat >/dev/null; echo reporter:counter:g,n,5 >&2' <in
	[ "$stderr" = "reporter:counter:g,n,5
reporter:counter:g,n,5" ]
	# Much stderr and stdout at once: every line of both arrives.
	seq 1 50000 >in
	mr-map -P 2 -b 16K -- sh -c 'while read -r n; do echo "err $n" >&2; echo "out $n"; done' <in >out 2>err
	[ "$(grep -c '^err ' err)" -eq 50000 ]
	[ "$(sort -u err | wc -l)" -eq 50000 ]
	sed 's/^out //' out | sort -n | cmp - in
}

@test "live input: a record reaches the command and its output reaches stdout at once" {
	mkfifo fifo
	# mawk reads its input in large blocks unless -W interactive (which also
	# flushes each output line): without it the first line would wait.
	mr-map -P 2 -- mawk -W interactive '{ print "got " $0 }' <fifo >out &
	pid=$!
	exec 5>fifo
	echo first >&5
	wait_for grep -q '^got first$' out
	echo second >&5
	wait_for grep -q '^got second$' out
	exec 5>&-
	wait "$pid"
	[ "$(cat out)" = "$(printf 'got first\ngot second')" ]
}

@test "live input: a copy's unfinished output line is waited for, not polled in a loop" {
	# The copy writes half a line and sleeps: mr-map must sleep too (a
	# busy loop would take about a second of CPU while the copy sleeps).
	mkfifo fifo
	mr-map -P 1 -- sh -c 'read -r x; printf "half "; sleep 1; echo "rest $x"' <fifo >out &
	pid=$!
	exec 5>fifo
	echo one >&5
	sleep 0.9
	ticks=$(mawk '{ print $14 + $15 }' "/proc/$pid/stat")
	exec 5>&-
	wait "$pid"
	[ "$(cat out)" = "half rest one" ]
	[ "$ticks" -lt 30 ]
}

@test "live input: built-in mappers flush whenever the input pauses" {
	mkfifo fifo
	mr-map -w <fifo >out &
	pid=$!
	exec 5>fifo
	echo 'alpha beta' >&5
	wait_for grep -q '^beta' out
	exec 5>&-
	wait "$pid"
}

@test "CRLF, a BOM and a last line without newline reach the command as Hadoop gives them" {
	printf '\xef\xbb\xbfa\r\nb\r\nc' >in
	run -0 bash -c 'mr-map -P 1 -- od -An -c <in | tr -d " \n"'
	[ "$output" = 'a\nb\nc\n' ]
	run -0 bash -c 'cat in | mr-map -P 1 -- od -An -c | tr -d " \n"'
	[ "$output" = 'a\nb\nc\n' ]
	run -0 bash -c 'mr-map -P 1 -o -- od -An -c <in | tr -d " \n"'
	[ "$output" = 'a\nb\nc\n' ]
	printf 'a\nb' >in
	run -0 bash -c 'mr-map -P 1 -- od -An -c <in | tr -d " \n"'
	[ "$output" = 'a\nb\n' ]
}

@test "CRLF lines scattered through a large file reach the copies without the CR, each once" {
	# Rare CRLF lines (and lone CRs, which stay) among many blocks: the
	# blocks around them go by splice, the CRLF lines by small writes.
	mawk 'BEGIN {
		srand(17)
		for (i = 0; i < 60000; i++) {
			r = rand()
			if (r < 0.002)
				printf "crlf %d\r\n", i
			else if (r < 0.003)
				printf "lone %d\rcr\n", i
			else
				printf "line %d %s\n", i, substr("abcdefghijklmnopqrstuvwxyz", 1, 1 + i % 26)
		}
	}' >in
	sed 's/\r$//' in >want
	# and a file of CRLF lines only, as from Windows
	sed 's/$/\r/' want >crlf
	for f in in crlf; do
		for opts in "-P 3 -b 16K" "-P 2 -b 64K -o" "-P 4 -b 4K" "-P 2 -b 1M"; do
			mr-map $opts -- cat <"$f" >got
			if [[ $opts == *-o* ]]; then
				cmp got want
			else
				sort got | cmp - <(sort want)
			fi
		done
	done
}

@test "a last output line without newline gets one; empty input still runs every copy" {
	run -0 bash -c 'printf "x\n" | mr-map -P 1 -- sh -c "cat >/dev/null; printf \"no newline\""'
	[ "$output" = "no newline" ]
	run -0 bash -c 'mr-map -P 3 -- sh -c "cat; echo ran" </dev/null'
	[ "$output" = "$(printf 'ran\nran\nran')" ]
}

@test "bad -P, -b and command-only options are usage errors; --help and --version work" {
	run -2 --separate-stderr mr-map -P 0 -- cat
	[ "${stderr%%$'\n'*}" = "mr-map: -P: '0' is not a number from 1 to 1024" ]
	run -2 --separate-stderr mr-map --block-size=1X -- cat
	[ "${stderr%%$'\n'*}" = "mr-map: --block-size: '1X' is not a size (such as 4096, 64K, 16M or 2G)" ]
	run -2 --separate-stderr mr-map -l -- cat
	[ "${stderr%%$'\n'*}" = "mr-map: -l and COMMAND exclude each other" ]
	run -2 --separate-stderr mr-map --verbose -q cat
	[ "${stderr%%$'\n'*}" = "mr-map: --verbose and COMMAND exclude each other" ]
	run -2 --separate-stderr mr-map -x -- cat
	[ "$stderr" = "mr-map: -x: unknown option
$USAGE1
$USAGE2" ]
	run -0 mr-map --help
	[ "${lines[0]}" = "$USAGE1" ]
	run -0 mr-map --version
	[[ $output == "mr-map (mr-tools) "* ]]
}

@test "SIGTERM or SIGINT while reading a pipe: the skipped records are said, then the end by the signal" {
	local sig
	for sig in TERM INT; do
		stop_after_input "$sig" 'a b\nc\n' mr-map -d ' ' -K 2
		[ "$status" -eq $((128 + $(kill -l "$sig"))) ]
		[ "$(cat err)" = "mr-map: 1 record skipped: -:2: no field 2 (the record has 1)" ]
	done
}
