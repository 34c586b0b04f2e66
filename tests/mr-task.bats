#!/usr/bin/env bats
# mr-task: one task of a Streaming job, configured by the job's properties,
# with Hadoop's line, key, sort and partition rules, its counters, its
# environment and its fate in the task directory.
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

# records FILE...: the records of partition files as "key TAB value"
# (there: "key \r value", or the key alone when the value is empty).
records() {
	cat "$@" | mawk '{ if (!sub(/\r/, "\t")) $0 = $0 "\t"; print }'
}

MAPONLY=(-D mapreduce.job.reduces=0)

setup() {
	mkdir m0 m1 r0
}

@test "a map-only task cuts the mapper's lines at \\n, \\r\\n and a lone \\r, as Hadoop's LineReader" {
	for seed in 1 2 3; do
		lines 3000 "$seed" >in.txt
		run mr-task -d m0 "${MAPONLY[@]}" -M in.txt -o out -- tr x '\r'
		[ "$status" -eq 0 ]
		tr x '\r' <in.txt | mawk -v sep="$TAB" -v k=1 -v osep="$TAB" "$NORMALIZE" >want
		cmp out want
		[ "$(cat m0/status)" = ok ]
		grep -qx "framework${TAB}Map-Reduce Framework${TAB}Map input records${TAB}3000" m0/counts
		grep -qx "framework${TAB}Map-Reduce Framework${TAB}Map output records${TAB}$(wc -l <want)" m0/counts
		grep -qx "framework${TAB}File Output Format Counters ${TAB}Bytes Written${TAB}$(wc -c <want)" m0/counts
	done
}

@test "the separator properties split and join keys as Streaming's, any string, taken as typed" {
	lines 2000 7 >in.txt
	for spec in ':: 2 |' ': 1 ==' 'a 3 \t'; do
		read -r sep k osep <<<"$spec"
		rm -f out
		# "\t" typed as such is a backslash and a t, as in Hadoop.
		mr-task -d m0 "${MAPONLY[@]}" -D "stream.map.output.field.separator=$sep" \
		    -D "stream.num.map.output.key.fields=$k" \
		    -D "mapreduce.output.textoutputformat.separator=$osep" -M in.txt -o out -- tr x '\r'
		tr x '\r' <in.txt | mawk -v sep="$sep" -v k="$k" -v osep="${osep//\\/\\\\}" "$NORMALIZE" >want
		cmp out want
	done
}

@test "map output is sorted and dealt to one file per reducer by Hadoop's hash" {
	# No TAB in the input: the reference keeps records as "key TAB value".
	lines 5000 11 | tr -d 'x\t' >in.txt
	mr-task -d m0 -D mapreduce.job.reduces=3 -D stream.map.output.field.separator=: -M in.txt -- cat
	mawk -v sep=: -v k=1 -v osep="$TAB" "$NORMALIZE" in.txt | mr-sort |
	    mr-partition -n 3 -p want-
	for p in 00000 00001 00002; do
		records "m0/p-$p" | cmp - "want-$p"
	done
	[ ! -e m0/p-00003 ]
	grep -qx "framework${TAB}Map-Reduce Framework${TAB}Map output records${TAB}5000" m0/counts
}

@test "a key with TABs in it survives the sort and the merge whole" {
	printf 'a\tb,1\na\tc,2\na\tb,3\n' >in.txt
	mr-task -d m0 -D stream.map.output.field.separator=, -M in.txt -- cat
	mr-task -d r0 -D stream.map.output.field.separator=, -R -I m0/p-00000 -o out -- cat
	printf 'a\tb\t1\na\tb\t3\na\tc\t2\n' | cmp - out
	grep -qx "framework${TAB}Map-Reduce Framework${TAB}Reduce input groups${TAB}2" r0/counts
}

@test "a split reads exactly Hadoop's records: two halves give every line once" {
	lines 4000 5 | tr -d x >in.txt
	size=$(wc -c <in.txt)
	half=$((size / 2))
	mr-task -d m0 "${MAPONLY[@]}" -M in.txt -x "0:$half" -o out0 -- cat
	mr-task -d m1 "${MAPONLY[@]}" -M in.txt -x "$half:$((size - half))" -o out1 -- cat
	cat out0 out1 | cmp - <(mawk -v sep="$TAB" -v k=1 -v osep="$TAB" "$NORMALIZE" in.txt)
	in0=$(sed -n 's/.*Map input records\t//p' m0/counts)
	in1=$(sed -n 's/.*Map input records\t//p' m1/counts)
	[ $((in0 + in1)) -eq 4000 ]
}

@test "the combiner runs once on each partition's sorted records, and its lines stay there" {
	printf 'b a b\nc a\nb\n' >in.txt
	# "uniq -c | tail -1" shows that each partition has its own combiner.
	mr-task -d m0 -D mapreduce.job.reduces=2 -M in.txt -C 3 -- mr-map -w \
	    sh -c 'mr-reduce count; echo "total$(printf "\t")x"'
	[ "$(records m0/p-00000)" = "$(printf 'a\t2\nc\t1\ntotal\tx')" ]
	[ "$(records m0/p-00001)" = "$(printf 'b\t3\ntotal\tx')" ]
	grep -qx "framework${TAB}Map-Reduce Framework${TAB}Combine input records${TAB}6" m0/counts
	grep -qx "framework${TAB}Map-Reduce Framework${TAB}Combine output records${TAB}5" m0/counts
}

@test "a reduce task merges its inputs into the reducer and counts records and groups" {
	printf 'a\r1\nc\r2\n' >in0
	printf 'a\r3\nb\r4\nc\r5\n' >in1
	run mr-task -d r0 -R -I in0 -I in1 -o out -- cat
	[ "$status" -eq 0 ]
	printf 'a\t1\na\t3\nb\t4\nc\t2\nc\t5\n' | cmp - out
	[ "$(cut -f3- r0/counts)" = "$(printf 'Reduce input groups\t3\nReduce input records\t5\nReduce output records\t5\nBytes Written\t20')" ]
	# The identity reducer, a reducer line without a TAB, another
	# separator between key and value for the reducer.
	mr-task -d r0 -D mapred.reducer.class=org.apache.hadoop.mapred.lib.IdentityReducer \
	    -D mapreduce.output.textoutputformat.separator=, -R -I in0 -I in1 -o ident
	printf 'a,1\na,3\nb,4\nc,2\nc,5\n' | cmp - ident
	mr-task -d r0 -R -I in0 -o notab -- cut -f1
	printf 'a\t\nc\t\n' | cmp - notab
	mr-task -d r0 -D stream.reduce.input.field.separator=:: -R -I in0 -o colon -- cat
	printf 'a::1\t\nc::2\t\n' | cmp - colon
}

@test "a reducer without input runs, but what it writes is dropped, as in Hadoop" {
	run mr-task -d r0 -R -o out -- sh -c 'echo ran; touch ran'
	[ "$status" -eq 0 ]
	[ -e r0/../ran ] || [ -e ran ]
	[ ! -s out ]
	grep -qx "framework${TAB}Map-Reduce Framework${TAB}Reduce output records${TAB}0" r0/counts
}

@test "a map output out of order fails the reduce task in its merge stage" {
	printf 'b\r1\na\r2\n' >in0
	run --separate-stderr mr-task -d r0 -R -I in0 -o out -- cat
	[ "$status" -eq 1 ]
	[ "$(cat r0/status)" = "$(printf 'merge 1\nmerging the map outputs failed: exit status 1\n')" ]
	[[ $stderr == *"in0:2: disorder"* ]]
	[ ! -e out ]
}

@test "a failing, killed or early-stopping command is the task's status, in words" {
	printf 'a\n' >in.txt
	run mr-task -d m0 -M in.txt -- sh -c 'echo oops >&2; exit 3'
	[ "$status" -eq 1 ]
	[ "$(cat m0/status)" = "$(printf 'mapper 3\nexit status 3\nmapper')" ]
	[ "$(cat m0/err)" = oops ]
	run mr-task -d m0 -M in.txt -- sh -c 'kill -9 $$'
	[ "$(head -n 2 m0/status)" = "$(printf 'mapper 265\nkilled by signal 9 (SIGKILL)')" ]	# 256 + SIGKILL
	run mr-task -d m0 -M in.txt -- sh -c 'exit 137'
	[ "$(head -n 2 m0/status)" = "$(printf 'mapper 137\nexit status 137')" ]
	seq 400000 >big.txt
	run mr-task -d m0 -M big.txt -- head -n 1
	[ "$status" -eq 1 ]
	[ "$(cat m0/status)" = "$(printf 'stopped 269\nstopped reading its input (Broken pipe)\nmapper')" ]
	run mr-task -d m0 -M big.txt -C 3 -- cat head -n 1
	[ "$(head -n 1 m0/status)" = "cstopped 269" ]
	run mr-task -d m0 -M in.txt -C 3 -- cat sh -c 'exit 5'
	[ "$(head -n 2 m0/status)" = "$(printf 'combiner 5\nexit status 5')" ]
	printf 'a\r1\n' >in0
	run mr-task -d r0 -R -I in0 -o out -- false
	[ "$(head -n 1 r0/status)" = "reducer 1" ]
	[ ! -e out ]
}

@test "stream.non.zero.exit.is.failure=false: a command's exit status does not fail the task" {
	printf 'a\nb\n' >in.txt
	run mr-task -d m0 "${MAPONLY[@]}" -D stream.non.zero.exit.is.failure=false -M in.txt -o out \
	    -- sh -c 'cat; exit 3'
	[ "$status" -eq 0 ]
	[ "$(cat out)" = "$(printf 'a\t\nb\t')" ]
	# Not a boolean: the default, as Hadoop's getBoolean.
	run mr-task -d m0 "${MAPONLY[@]}" -D stream.non.zero.exit.is.failure=no -M in.txt -o out2 \
	    -- sh -c 'cat; exit 3'
	[ "$status" -eq 1 ]
}

@test "the commands' reporter:counter lines are summed into the counts" {
	printf 'a\nb\n' >in.txt
	mr-task -d m0 "${MAPONLY[@]}" -M in.txt -o out -- sh -c '
		cat
		echo "reporter:counter:My Group,hits,5" >&2
		echo "reporter:counter:My Group,hits,-2" >&2
		echo "reporter:counter:g,n,7" >&2
		echo "reporter:counter:bad,line" >&2
		echo "reporter:counter:g,n,x1" >&2
		echo "reporter:status:working" >&2'
	grep -qx "user${TAB}My Group${TAB}hits${TAB}3" m0/counts
	grep -qx "user${TAB}g${TAB}n${TAB}7" m0/counts
	[ "$(grep -c '^user' m0/counts)" -eq 2 ]
}

@test "a task run again in its directory starts a fresh stderr file and counts afresh" {
	printf 'a\n' >in.txt
	for i in 1 2; do
		rm -f out
		mr-task -d m0 "${MAPONLY[@]}" -M in.txt -o out -- sh -c '
			cat; echo "reporter:counter:g,n,1" >&2; echo said >&2'
	done
	grep -qx "user${TAB}g${TAB}n${TAB}1" m0/counts
	[ "$(grep -c said m0/err)" -eq 1 ]
}

@test "commands get the job's properties, the task's own and -cmdenv as Hadoop exports them" {
	printf 'a\n' >in.txt
	printf '\0' >job
	printf '%s\0' my.custom-prop=42 mapred.reduce.tasks=0 "stream.addenvironment=HADOOP_ROOT_LOGGER= GREETING=hi SPACED=a b" \
	    mapreduce.job.id=job_local_0007 $'caf\xc3\xa9.x=1' >job
	(cd m0 && mr-task -d . -c ../job -i 3 -M ../in.txt -o ../out -- sh -c 'cat >/dev/null
		for v in my_custom_prop mapreduce_job_reduces mapred_reduce_tasks GREETING SPACED \
		    HADOOP_ROOT_LOGGER mapreduce_task_id mapred_tip_id mapreduce_task_attempt_id \
		    mapred_task_id mapreduce_task_partition mapreduce_task_ismap mapred_task_is_map \
		    mapreduce_map_input_file map_input_file map_input_start map_input_length caf__x; do
			eval "echo $v=\${$v-unset}"
		done')
	[ "$(cat out)" = "$(printf '%s\t\n' my_custom_prop=42 mapreduce_job_reduces=0 \
	    mapred_reduce_tasks=unset GREETING=hi SPACED=a HADOOP_ROOT_LOGGER= \
	    mapreduce_task_id=task_local_0007_m_000003 mapred_tip_id=task_local_0007_m_000003 \
	    mapreduce_task_attempt_id=attempt_local_0007_m_000003_0 \
	    mapred_task_id=attempt_local_0007_m_000003_0 mapreduce_task_partition=3 \
	    mapreduce_task_ismap=true mapred_task_is_map=true \
	    "mapreduce_map_input_file=file:$PWD/in.txt" "map_input_file=file:$PWD/in.txt" \
	    map_input_start=0 map_input_length=2 caf__x=1)" ]
}

@test "links from -L, and a linked script runs by its name" {
	printf 'a\n' >in.txt
	printf '#!/bin/sh\necho "$GREETING $(cat)"\n' >greet.sh
	chmod +x greet.sh
	(cd m0 && mr-task -d . "${MAPONLY[@]}" -D 'stream.addenvironment=GREETING=hello' \
	    -M ../in.txt -o ../out -L "hi.sh=$PWD/../greet.sh" -- hi.sh)
	[ "$(cat out)" = "hello a$TAB" ]
	[ -L m0/hi.sh ]
}

@test "a shipped script without the execute bit runs, as Streaming makes it executable" {
	printf 'a\n' >in.txt
	printf '#!/bin/sh\necho "ran $(cat)"\n' >script.sh
	chmod 644 script.sh
	(cd m0 && mr-task -d . "${MAPONLY[@]}" -M ../in.txt -o ../out -L "s.sh=$PWD/../script.sh" -- s.sh)
	[ "$(cat out)" = "ran a$TAB" ]
	[ ! -x script.sh ]
}

@test "a secondary sort: KeyFieldBasedComparator by its properties, as GNU sort -k orders numbers" {
	mawk 'BEGIN { srand(3); for (i = 0; i < 2000; i++)
	    printf "%s\t%d\tv%d\n", substr("abcde", 1 + int(rand() * 5), 1), int(rand() * 400) - 200, i }' >in.txt
	mr-task -d m0 -D mapred.output.key.comparator.class=org.apache.hadoop.mapred.lib.KeyFieldBasedComparator \
	    -D stream.num.map.output.key.fields=2 -D 'mapred.text.key.comparator.options=-k1,1 -k2,2nr' \
	    -M in.txt -- cat
	records m0/p-00000 | cut -f1,2 >got
	LC_ALL=C sort -t "$TAB" -k1,1 -k2,2nr in.txt | cut -f1,2 | cmp - got
}

@test "KeyFieldBasedPartitioner deals keys as Hadoop 3.1.3 dealt them" {
	# The expected partitions are Hadoop's own, from a run of this job.
	printf 'a\tb\tc\nx\ty\n\xff\tq\nhello\nant\t3\tz\nbee\t3\tz\n' >in.txt
	mr-task -d m0 -D mapred.partitioner.class=org.apache.hadoop.mapred.lib.KeyFieldBasedPartitioner \
	    -D mapreduce.partition.keypartitioner.options=-k2,2 -D mapreduce.job.reduces=4 \
	    -D stream.num.map.output.key.fields=3 -M in.txt -- cat
	[ "$(records m0/p-00000)" = "hello${TAB}" ]
	[ "$(records m0/p-00001)" = "$(printf 'x\ty\t\n\xff\tq\t')" ]
	[ "$(records m0/p-00002)" = "$(printf 'a\tb\tc\t')" ]
	[ "$(records m0/p-00003)" = "$(printf 'ant\t3\tz\t\nbee\t3\tz\t')" ]
}

@test "the aggregate reducer and combiner give Hadoop 3.1.3's reports" {
	# The expected lines and counters are Hadoop's own, from a run of this
	# job (-reducer aggregate): Java's String order puts U+FFFD above
	# U+1F600, the histogram ends with the mean and standard deviation.
	printf 'LongValueSum:a\t3\nLongValueSum:a\t-5\nLongValueMax:a\t3\nLongValueMax:a\t-5\nLongValueMin:a\t3\nLongValueMin:a\t-5\nDoubleValueSum:d\t0.5\nDoubleValueSum:d\t1e3\nDoubleValueSum:d\t2.25\nStringValueMax:s\tapple\nStringValueMax:s\tpear\nStringValueMax:s\t\xf0\x9f\x98\x80\nStringValueMax:s\t\xef\xbf\xbd\nStringValueMin:s\tapple\nStringValueMin:s\tBanana\nUniqValueCount:u\tx\nUniqValueCount:u\ty\nUniqValueCount:u\tx\nValueHistogram:h\tx\nValueHistogram:h\ty\t3\nValueHistogram:h\tx\nValueHistogram:h\tz\t10\nvaluehistogram:h2\tq\n' >in.txt
	AGG=(-D mapred.reducer.class=org.apache.hadoop.mapred.lib.aggregate.ValueAggregatorReducer
	    -D mapred.combiner.class=org.apache.hadoop.mapred.lib.aggregate.ValueAggregatorCombiner)
	mr-task -d m0 "${AGG[@]}" -M in.txt -- cat
	mr-task -d r0 "${AGG[@]}" -R -I m0/p-00000 -o out
	[ "$(cat out)" = "$(printf 'd\t1002.75\na\t3\na\t-5\na\t-2\ns\t\xef\xbf\xbd\ns\tBanana\nu\t2\nh\t3\t2\t3\t10\t5.0\t3.559026084010437\nh2\t1\t1\t1\t1\t1.0\t0.0')" ]
	grep -qx "framework${TAB}Map-Reduce Framework${TAB}Combine input records${TAB}23" m0/counts
	grep -qx "framework${TAB}Map-Reduce Framework${TAB}Combine output records${TAB}12" m0/counts
	grep -qx "framework${TAB}Map-Reduce Framework${TAB}Reduce input groups${TAB}9" r0/counts
	# A key without a type, a value that is no number: the task fails.
	printf 'nokey\t1\n' >bad.txt
	run mr-task -d m1 "${AGG[@]}" -M bad.txt -- cat
	[ "$status" -eq 1 ]
	[ "$(sed -n 2p m1/status)" = "aggregate: key 'nokey' has no type (LongValueSum:, ValueHistogram:, ...)" ]
	printf 'LongValueSum:k\t1.5\n' >bad.txt
	run mr-task -d m1 "${AGG[@]}" -M bad.txt -- cat
	[ "$(sed -n 2p m1/status)" = "aggregate: '1.5' is not a long" ]
}

@test "compressed input is read whole through gzip or bzip2; output is compressed with the job's codec" {
	need_tool bzip2
	seq 1000 >in.txt
	gzip -c in.txt >in.txt.gz
	bzip2 -c in.txt >in.txt.bz2
	for f in in.txt.gz in.txt.bz2; do
		rm -f out
		mr-task -d m0 "${MAPONLY[@]}" -M "$f" -o out -- cat
		sed 's/$/\t/' in.txt | cmp - out
	done
	mr-task -d m0 "${MAPONLY[@]}" -D mapreduce.output.fileoutputformat.compress=true \
	    -D mapreduce.output.fileoutputformat.compress.codec=org.apache.hadoop.io.compress.GzipCodec \
	    -M in.txt -o part -- cat
	[ ! -e part ]
	gzip -dc part.gz | cmp - <(sed 's/$/\t/' in.txt)
	mr-task -d m0 "${MAPONLY[@]}" -D mapred.output.compress=true \
	    -D mapred.output.compression.codec=org.apache.hadoop.io.compress.BZip2Codec -M in.txt -o part -- cat
	bzip2 -dc part.bz2 | cmp - <(sed 's/$/\t/' in.txt)
}

@test "a corrupt compressed input fails the split, naming the decompressor as a failed command" {
	echo garbage >"bad it's.gz"
	run --separate-stderr mr-task -d m0 "${MAPONLY[@]}" -M "bad it's.gz" -o out -- cat
	[ "$status" -eq 1 ]
	[ "${stderr_lines[-1]}" = "mr-task: gzip -dc -- 'bad it'\\''s.gz': exit status 1" ]
	[ "$(sed -n 2p m0/status)" = "split failed: exit status 1" ]
}

@test "the default codec writes a zlib stream: 78 9C, deflate data, the Adler-32 of the text" {
	seq 1000 >in.txt
	mr-task -d m0 "${MAPONLY[@]}" -D mapreduce.output.fileoutputformat.compress=true -M in.txt -o part -- cat
	[ "$(head -c 2 part.deflate | od -An -tx1 | tr -d ' ')" = 789c ]
	# The deflate data inside a gzip wrapper decompresses to the text
	# (gzip then finds no trailer of its own: its complaint is expected).
	{ printf '\037\213\010\0\0\0\0\0\0\003'; tail -c +3 part.deflate | head -c -4; } |
	    gzip -dc 2>/dev/null | cmp - <(sed 's/$/\t/' in.txt)
	# Adler-32 of "1\t\n2\t\n...1000\t\n", computed by awk.
	want=$(sed 's/$/\t/' in.txt | od -An -v -tu1 | mawk '{ for (i = 1; i <= NF; i++) { a = (a + $i) % 65521; b = (b + a) % 65521 } }
	    BEGIN { a = 1 } END { printf "%08x\n", b * 65536 + a }')
	[ "$(tail -c 4 part.deflate | od -An -tx1 | tr -d ' ')" = "$want" ]
}

@test "-lazyOutput: a task without output lines makes no part file" {
	printf '\r\n' >empty0
	mr-task -d r0 -D mapred.output.format.class=org.apache.hadoop.mapred.lib.LazyOutputFormat \
	    -R -o lazy -- sed -n /x/p
	[ ! -e lazy ]
	printf 'x\r1\n' >in0
	mr-task -d r0 -D mapred.output.format.class=org.apache.hadoop.mapred.lib.LazyOutputFormat \
	    -R -I in0 -o lazy -- sed -n /x/p
	[ "$(cat lazy)" = "x${TAB}1" ]
}

@test "--plan lists the input, cuts Hadoop's splits and completes the job file" {
	mkdir d && seq 1000 >d/a && seq 10 >d/b && echo x >d/_hidden && echo x >d/.dot
	seq 100 | gzip >d/c.gz
	printf 'mapreduce.job.maps=4\0mapreduce.job.reduces=3\0' >job
	run -0 mr-task --plan -c job -- d
	[ "${lines[0]}" = reduces=3 ]
	[ "${lines[1]}" = mark_success=1 ]
	# Splits of max(1, min(total / 4, 128M)) bytes, largest first; the
	# compressed file whole.
	total=$(($(stat -c %s d/a) + $(stat -c %s d/b) + $(stat -c %s d/c.gz)))
	[ "${lines[2]}" = "split${TAB}$PWD/d/a${TAB}0${TAB}$((total / 4))" ]
	[ "$(printf '%s\n' "${lines[@]}" | grep -c '^split')" -eq 6 ]
	[ "${lines[7]}" = "split${TAB}$PWD/d/b${TAB}0${TAB}21" ]
	[ "$(tr '\0' '\n' <job | tail -n 3)" = "$(printf 'mapreduce.job.maps=6\nmapreduce.input.fileinputformat.inputdir=file:%s/d\nmapreduce.input.fileinputformat.numinputfiles=3' "$PWD")" ]
}

@test "--plan refuses a property that changes the job and is not implemented, naming it" {
	echo x >in.txt
	run --separate-stderr mr-task --plan -D textinputformat.record.delimiter=, -- .
	[ "$status" -eq 2 ]
	[ "$stderr" = "mr-task: textinputformat.record.delimiter=,: not supported by mr-tools (it changes where records end)" ]
	run --separate-stderr mr-task --plan -D mapreduce.job.partitioner.class=x -- .
	[ "$stderr" = "mr-task: mapreduce.job.partitioner.class is incompatible with map compatibility mode (a Streaming job uses the mapred API, as in Hadoop)" ]
	run --separate-stderr mr-task --plan -D mapreduce.job.reduces=x -- .
	[ "$stderr" = "mr-task: mapreduce.job.reduces: 'x' is not a number from 0 to 99999" ]
	run --separate-stderr mr-task --plan -D mapred.output.key.comparator.class=org.apache.hadoop.mapred.lib.KeyFieldBasedComparator \
	    -D mapred.text.key.comparator.options=-k2,1n -- .
	[ "$stderr" = "mr-task: mapreduce.partition.keycomparator.options: a numeric key specification ends before it starts (as -k3,1n): Hadoop's order then depends on the bytes after the key" ]
	# Options without the class: Hadoop ignores them, and mr-task says so.
	run --separate-stderr mr-task --plan -D mapred.text.key.comparator.options=-k2 -- in.txt
	[ "$status" -eq 0 ]
	[[ $stderr == "mr-task: warning: mapreduce.partition.keycomparator.options does nothing without"* ]]
	echo x >in.lz4
	run --separate-stderr mr-task --plan -- in.lz4
	[ "$status" -eq 1 ]
	[ "$stderr" = "mr-task: input: file:$PWD/in.lz4: .lz4 input is not supported by mr-tools" ]
}

@test "usage errors exit 2; --help and --version" {
	run --separate-stderr mr-task -M x -- cat
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "mr-task: missing -d DIR" ]
	run --separate-stderr mr-task -d m0 -- cat
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "mr-task: missing -M FILE or -R" ]
	run --separate-stderr mr-task -d m0 -M x -R
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "mr-task: -M and -R exclude each other" ]
	run --separate-stderr mr-task -d m0 -M x
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "mr-task: missing MAPPER" ]
	run mr-task -d m0 -M x -x 5 -- cat
	[ "$status" -eq 2 ]
	run mr-task -d m0 -M x -C 1 -- cat
	[ "$status" -eq 2 ]
	run mr-task -d m0 -R -L a/b=c
	[ "$status" -eq 2 ]
	run mr-task -d m0 -R -D novalue
	[ "$status" -eq 2 ]
	: >job
	run --separate-stderr mr-task --job -c job --output out -- cat
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "mr-task: --job needs -c FILE, --output DIR and --scratch DIR" ]
	run --separate-stderr mr-task --job -c job --output out --scratch s -- cat
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "mr-task: --job needs -W M,C,R" ]
	run --separate-stderr mr-task --job -c job --output out --scratch s -W 2,0,0 -- cat
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "mr-task: -W: more words than arguments" ]
	[ ! -e out ]
	run mr-task --help
	[ "$status" -eq 0 ]
	[[ $output == usage:* ]]
	run mr-task --version
	[[ $output == "mr-task (mr-tools) "* ]]
}

@test "a full disk is an error with status 1; a closed pipe ends quietly" {
	seq 100000 | sed 's/$/\r1/' | sort >in0
	run bash -c 'mr-task -d r0 -R -I in0 >/dev/full'
	[ "$status" -eq 1 ]
	[[ $output == *"write error"* ]]
	run bash -c 'mr-task -d r0 -R -I in0 | head -1'
	[ "$status" -eq 0 ]
	[ "$output" = "1${TAB}1" ]
}

@test "a missing input is reported by name and leaves no output" {
	run mr-task -d m0 "${MAPONLY[@]}" -M nosuch -o out -- cat
	[ "$status" -eq 1 ]
	[[ $output == *"nosuch"* ]]
	[ "$(head -n 1 m0/status)" = "split 1" ]
	[ ! -e out ]
}

@test "a missing task directory is one error, naming it" {
	printf 'a\t1\n' >in0
	run --separate-stderr mr-task -d nodir/r0 -R -I in0
	[ "$status" -eq 1 ]
	[ "$stderr" = "mr-task: nodir/r0: No such file or directory" ]
	run --separate-stderr mr-task -d in0 -R -I in0
	[ "$stderr" = "mr-task: in0: Not a directory" ]
}
