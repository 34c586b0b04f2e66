#!/usr/bin/env bats
# Whole pipelines built from the programs, checked against awk and GNU sort.
bats_require_minimum_version 1.5.0
load helper

setup() {
	"$MR_TOOLS/gendata" text 400000 >text
}

# The reference word count: awk splits on the same blanks as mr-map -w.
awk_count() {
	mawk '{ for (i = 1; i <= NF; i++) c[$i]++ } END { for (w in c) print w "\t" c[w] }' "$@" |
		LC_ALL=C sort -t "$TAB" -k1,1
}

@test "batch word count: mr-map -w | mr-sort | mr-reduce count equals awk's count" {
	awk_count text >want
	mr-map -w text | mr-sort | mr-reduce count >got
	cmp want got
}

@test "hash-mode reduce prints the same bytes as sort then reduce" {
	mr-map -w text | mr-sort | mr-reduce count >sorted
	mr-map -w text | mr-reduce -H count >hashed
	cmp sorted hashed
}

@test "a parallel reduce through mr-partition --exec equals one reducer" {
	mr-map -w text | mr-sort | mr-reduce count >want
	mr-map -w text | mr-partition -n 3 --exec 'mr-sort | mr-reduce count > out.$MR_PARTITION'
	[[ -s out.0 && -s out.1 && -s out.2 ]]
	LC_ALL=C sort -t "$TAB" -k1,1 out.0 out.1 out.2 >got
	cmp want got
}

@test "each partition holds exactly the keys Hadoop's hash sends it" {
	printf 'a\t1\nthe\t1\nhello\t1\napple\t1\nbanana\t1\n' >in
	mr-partition -n 3 in
	# Partitions for R=3 from the Hadoop test vectors.
	[[ $(cut -f1 part-00000) == apple ]]
	[[ $(cut -f1 part-00001) == the ]]
	[[ $(cut -f1 part-00002 | tr '\n' ' ') == "a hello banana " ]]
}

@test "a combiner (count) then a reducer (sum) gives the same totals as count alone" {
	mr-map -w text | mr-sort | mr-reduce count >want
	mr-split -n 4 -p chunk- text >chunks
	while read -r c; do
		mr-map -w "$c" | mr-sort | mr-reduce count
	done <chunks | mr-sort | mr-reduce sum >got
	cmp want got
}

@test "split chunks mapped in parallel with xargs -P reassemble the same counts" {
	mr-map -w text | mr-reduce -H count >want
	mr-split -n 4 -p chunk- text | xargs -P 2 -I{} sh -c 'mr-map -w {} > {}.out'
	cat chunk-*.out | mr-reduce -H count >got
	cmp want got
}

@test "a total-order sort over sampled ranges concatenates to one sorted file" {
	"$MR_TOOLS/gendata" kv 20000 >kv
	mr-partition -n 4 --sample 2000 kv >ranges
	mr-partition -n 4 --range ranges kv
	for p in part-0000[0-3]; do mr-sort "$p"; done >got
	LC_ALL=C sort -t "$TAB" -k1,1 -s kv >want
	cmp want got
}

@test "a live pipeline passes a record on while its writer is still running" {
	: >log
	{ mr-tail -b "$BATS_TEST_TMPDIR/log" | mr-map -d ' ' -K 1 | mr-reduce count >out; } 3>&- &
	printf 'alpha x\nalpha y\nbeta z\n' >>log
	# alpha's group is complete once beta starts: it must arrive at once,
	# while mr-tail still follows the log and nothing has ended.
	wait_for grep -q "^alpha${TAB}2\$" out
	pkill -f "mr-tail -b $BATS_TEST_TMPDIR/log"
	wait
	[[ $(cat out) == "alpha${TAB}2"$'\n'"beta${TAB}1" ]]
}

@test "under Hadoop Streaming a program reports its counters on stderr" {
	printf 'a b\nc\n' >in
	mapreduce_task_id=attempt_local_0001_m_000000_0 run --separate-stderr mr-map -w in
	[[ $status -eq 0 ]]
	[[ $stderr == *"reporter:counter:mr-map,"* ]]
}
