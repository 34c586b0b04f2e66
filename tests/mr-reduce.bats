#!/usr/bin/env bats
# mr-reduce: grouped aggregation equal to GNU datamash, exact where the
# input is, the same in sorted and hash mode, and live over time windows.
bats_require_minimum_version 1.5.0
load helper

teardown() {
	[[ -z ${RPID-} ]] || kill -9 "$RPID" 2>/dev/null || true
}

# random_kv SEED N KEYS: key TAB integer TAB decimal TAB word, with
# negatives, repeated values and up to 4 decimal places.
random_kv() {
	mawk -v seed="$1" -v n="$2" -v keys="$3" 'BEGIN {
		srand(seed)
		split("apple pear fig kiwi lime", w, " ")
		for (i = 0; i < n; i++) {
			k = sprintf("k%03d", int(rand() * keys))
			a = int(rand() * 2001) - 1000
			if (rand() < 0.2) a = int(rand() * 5)
			d = sprintf("%.*f", int(rand() * 5), rand() * 200 - 100)
			printf "%s\t%d\t%s\t%s\n", k, a, d, w[int(rand() * 5) + 1]
		}
	}'
}

# same_numbers A B: the files have the same text, except that numeric
# fields may differ by 1e-9 relative (datamash prints 14 digits).
same_numbers() {
	paste "$1" "$2" | mawk -F'\t' '
	function isnum(s) { return s ~ /^-?[0-9]+(\.[0-9]+)?(e[-+]?[0-9]+)?$/ }
	function abs(x) { return x < 0 ? -x : x }
	{
		n = NF / 2
		for (i = 1; i <= n; i++) {
			a = $i; b = $(i + n)
			if (a == b) continue
			if (isnum(a) && isnum(b)) {
				m = abs(a) > abs(b) ? abs(a) : abs(b)
				if (abs(a - b) <= 1e-9 * m) continue
			}
			printf "line %d field %d: %s vs %s\n", NR, i, a, b
			bad = 1
		}
	} END { exit bad }'
}

@test "every operation equals datamash on random data" {
	need_tool datamash
	random_kv 11 3000 40 | LC_ALL=C sort -t "$TAB" -k1,1 -s >in
	mr-reduce count sum min max range mean median q1 q3 iqr p90 p5 mode \
	    sstdev pstdev svar pvar <in >mr.out
	datamash -g1 count 2 sum 2 min 2 max 2 range 2 mean 2 median 2 q1 2 \
	    q3 2 iqr 2 perc:90 2 perc:5 2 mode 2 sstdev 2 pstdev 2 svar 2 \
	    pvar 2 <in >dm.out
	[ "$(wc -l <mr.out)" -eq 40 ]
	same_numbers mr.out dm.out
	mr-reduce sum:2 mean:2 median:2 q1:2 q3:2 p99:2 sstdev:2 pvar:2 min:2 \
	    max:2 mode:2 <in >mr2.out
	datamash -g1 sum 3 mean 3 median 3 q1 3 q3 3 perc:99 3 sstdev 3 pvar 3 \
	    min 3 max 3 mode 3 <in >dm2.out
	same_numbers mr2.out dm2.out
	mr-reduce first:3 last:3 unique:3 countunique:3 collapse:3 first \
	    unique <in >mr3.out
	datamash -g1 first 4 last 4 unique 4 countunique 4 collapse 4 first 2 \
	    unique 2 <in >dm3.out
	# datamash sorts unique numbers as text too; both in byte order.
	diff mr3.out dm3.out
}

@test "edge cases print as datamash prints them" {
	need_tool datamash
	printf 'a\t5\nb\t-2\nb\t-2\nc\t1\nc\t2\nc\t2\nc\t1\n' >in
	mr-reduce sstdev svar pstdev pvar median iqr mode range <in >mr.out
	datamash -g1 sstdev 2 svar 2 pstdev 2 pvar 2 median 2 iqr 2 mode 2 \
	    range 2 <in >dm.out
	same_numbers mr.out dm.out
	# One value: the sample deviation is nan.
	run mr-reduce sstdev <<<"k${TAB}3"
	[ "$output" = "k${TAB}nan" ]
}

@test "-H prints exactly what the sorted mode prints" {
	random_kv 5 20000 700 >in
	ops="count sum mean:2 min:2 max median:2 p99 mode first:3 last:3 countunique:3 sstdev"
	mr-reduce -H $ops <in >hash.out
	LC_ALL=C sort -t "$TAB" -k1,1 -s in | mr-reduce $ops >sorted.out
	[ "$(wc -l <hash.out)" -eq 700 ]
	cmp hash.out sorted.out
}

@test "-H on generated key-value data matches the sorted mode" {
	# 100 K keys: the output goes in a dozen pieces of about 8 K keys,
	# more than a thread's ring of buffers holds at once.
	"$MR_TOOLS/gendata" kv 200000 100000 >in
	LC_ALL=C sort -t "$TAB" -k1,1 -s in | mr-reduce sum:1 mean:2 >sorted.out
	for j in 1 2 3; do
		mr-reduce -H -j "$j" sum:1 mean:2 <in >hash.out
		cmp hash.out sorted.out
	done
	# Keys in key order, one line each.
	cut -f1 hash.out | LC_ALL=C sort -c -u
}

@test "a large sorted file gives what a pipe gives, group by group" {
	# Files over several MiB go through the parallel chunked path, pipes
	# one record at a time; groups cross chunk and part boundaries.
	"$MR_TOOLS/gendata" kv 400000 30000 | LC_ALL=C sort -t "$TAB" -k1,1 -s >in
	mr-reduce count sum:1 mean:2 max:2 <in >file.out
	cat in | mr-reduce count sum:1 mean:2 max:2 >pipe.out
	[ "$(wc -l <file.out)" -eq 30000 ]
	cmp file.out pipe.out
	mr-reduce -H count sum:1 mean:2 max:2 <in >hash.out
	cmp file.out hash.out
	# The number of threads changes nothing.
	for j in 1 3; do
		mr-reduce -j "$j" count sum:1 mean:2 max:2 <in | cmp - file.out
		mr-reduce -H -j "$j" count sum:1 mean:2 max:2 <in | cmp - file.out
	done
	# Descending order too.
	LC_ALL=C sort -t "$TAB" -k1,1 -s -r in >rev
	mr-reduce count <rev >rev.out
	[ "$(head -n 1 rev.out | cut -f1)" = "$(tail -n 1 file.out | cut -f1)" ]
	[ "$(wc -l <rev.out)" -eq 30000 ]
}

@test "a file size limit (ulimit -f) does not bound the threads' output into a pipe" {
	# The threads of -j and -H hold their shares of the output in memory
	# until it is their turn: no file is written, so RLIMIT_FSIZE (here
	# 64 KiB, the output is 1 MiB) has nothing to say about it.
	"$MR_TOOLS/gendata" kv 400000 30000 >in
	LC_ALL=C sort -t "$TAB" -k1,1 -s in >sorted
	mr-reduce -j 1 count sum:1 mean:2 <sorted >expected
	[ "$(wc -c <expected)" -gt 1000000 ]
	run -0 --separate-stderr bash -c 'set -o pipefail; ulimit -f 64;
	    mr-reduce -H -j 2 count sum:1 mean:2 <in | cmp - expected'
	[ "$stderr" = "" ]
	run -0 --separate-stderr bash -c 'set -o pipefail; ulimit -f 64;
	    mr-reduce -j 2 count sum:1 mean:2 <sorted | cmp - expected'
	[ "$stderr" = "" ]
}

@test "one group larger than a chunk is still one group" {
	"$MR_TOOLS/gendata" kv 400000 1 >in
	run mr-reduce count <in
	[ "$output" = "$(head -n 1 in | cut -f1)${TAB}400000" ]
}

@test "errors deep in a large file name their exact line" {
	"$MR_TOOLS/gendata" kv 400000 30000 | LC_ALL=C sort -t "$TAB" -k1,1 -s >in
	mawk -F'\t' 'NR == 250001 { $2 = "oops" } { print $1 "\t" $2 "\t" $3 }' in >bad
	run -1 --separate-stderr mr-reduce sum <bad
	[ "$stderr" = "mr-reduce: -:250001: field 1: 'oops' is not a number" ]
	# A key that comes back deep inside, and at the very end.
	first=$(head -n 1 in | cut -f1)
	mawk -v k="$first" -F'\t' 'NR == 300001 { $1 = k } { print $1 "\t" $2 "\t" $3 }' in >ungrouped
	run -1 --separate-stderr mr-reduce count <ungrouped
	[[ $stderr == "mr-reduce: -:300001: input not grouped by key ('$first' after "* ]]
	{ cat in; head -n 1 in; } >tail
	run -1 --separate-stderr mr-reduce count <tail
	[[ $stderr == "mr-reduce: -:400001: input not grouped by key ('$first' after "* ]]
}

@test "keys sort as unsigned bytes, a prefix first" {
	printf 'b\t1\nab\t1\na\t1\n\xc3\xa9\t1\nA\t1\na\t1\n' >in
	run mr-reduce -H count <in
	[ "$output" = "A${TAB}1
a${TAB}2
ab${TAB}1
b${TAB}1
$(printf '\xc3\xa9')${TAB}1" ]
}

@test "decimal sums are exact: 0.1 a million times is 100000" {
	yes "k${TAB}0.1" | head -n 1000000 >in
	run mr-reduce sum mean <in
	[ "$output" = "k${TAB}100000${TAB}0.1" ]
	run mr-reduce -H sum <in
	[ "$output" = "k${TAB}100000" ]
}

@test "integers beyond 2^53 add exactly" {
	printf 'k\t9007199254740993\nk\t1\n' >in
	run mr-reduce sum max mean <in
	[ "$output" = "k${TAB}9007199254740994${TAB}9007199254740993${TAB}4503599627370497" ]
	printf 'k\t99999999999999999999999999999999999\nk\t1\n' >in2
	run mr-reduce sum <in2
	[ "$output" = "k${TAB}100000000000000000000000000000000000" ]
	printf 'k\t-0.000000000000000000001\nk\t1000000000000\n' >in3
	run mr-reduce sum <in3
	[ "$output" = "k${TAB}999999999999.999999999999999999999" ]
}

# in_every_mode WANT OPS...: mr-reduce OPS on the file in prints WANT in
# sorted mode, with -j 2, and with -H (one and two threads).
in_every_mode() {
	local want=$1 args
	shift
	for args in "" "-j 2" "-H" "-H -j 2"; do
		run -0 mr-reduce $args "$@" <in
		if [ "$output" != "$want" ]; then
			echo "mr-reduce $args $*: '$output', want '$want'"
			return 1
		fi
	done
}

@test "sums past 64 bits are exact in every mode (the examples of issue 15)" {
	printf 'k\t4611686018427387904\nk\t4611686018427387904\n' >in
	in_every_mode "k${TAB}9223372036854775808" sum
	printf 'k\t9223372036854775807\nk\t1\n' >in
	in_every_mode "k${TAB}9223372036854775808" sum
	printf 'k\t%s\n' 9223372036854775807 898 999999999999999997 \
	    -4611686018427387901 -244 >in
	in_every_mode "k${TAB}5611686018427388557" sum
	yes "k${TAB}1000000000000000000" | head -n 10 >in
	in_every_mode "k${TAB}10000000000000000000${TAB}1000000000000000000" sum mean
	yes "k${TAB}1000000000000000.00" | head -n 10000 >in
	in_every_mode "k${TAB}10000000000000000000" sum
	printf 'k\t0.9223372036854775807\nk\t0.0000000000000000001\n' >in
	in_every_mode "k${TAB}0.9223372036854775808" sum
}

@test "means and variances past 64 bits are exact (the examples of issue 15)" {
	printf 'k\t9223372036854775806\nk\t9223372036854775807\n' >in
	in_every_mode "k${TAB}9223372036854775806.5${TAB}0.5${TAB}0.25" mean svar pvar
	printf 'k\t9223372036854775808\nk\t9223372036854775809\n' >in
	in_every_mode "k${TAB}0.5" svar
	printf 'k\t92233720368547758.08\nk\t92233720368547758.09\n' >in
	in_every_mode "k${TAB}0.00005${TAB}0.0070710678118654752" svar sstdev
	# A mean above 64 bits: every digit, or 17 and an exponent.
	printf 'k\t1000000000000000000000000000001\nk\t1e30\n' >in
	in_every_mode "k${TAB}1000000000000000000000000000000.5" mean
	printf 'k\t1000000000000000000000000000001\nk\t1e30\nk\t1e30\n' >in
	in_every_mode "k${TAB}1e+30" mean
}

@test "sums beyond 128 bits stay exact, up and back down" {
	printf 'k\t99999999999999999999999999999999999999\n' >in2
	cat in2 in2 >in
	in_every_mode "k${TAB}199999999999999999999999999999999999998" sum
	# Scales 0 and 38 in one sum: 76 digits.
	printf 'k\t10000000000000000000000000000000000000\nk\t0.00000000000000000000000000000000000001\n' >in
	in_every_mode "k${TAB}10000000000000000000000000000000000000.00000000000000000000000000000000000001" sum
	printf 'k\t%s\n' 9e37 9e37 9e37 -9e37 -9e37 -9e37 0.5 >in
	in_every_mode "k${TAB}0.5${TAB}90000000000000000000000000000000000000" sum max
}

@test "--top ranks big sums by their exact value" {
	printf 'a\t9223372036854775807\na\t9223372036854775807\nb\t9223372036854775807\nc\t-1\n' >in
	run -0 mr-reduce -H -n 1 sum <in
	[ "$output" = "a${TAB}18446744073709551614" ]
	run -0 mr-reduce -n 2 sum <in
	[ "$output" = "a${TAB}18446744073709551614
b${TAB}9223372036854775807" ]
	# Past 38 digits, and a difference in the last place of 76.
	printf 'x\t9e37\nx\t9e37\ny\t1e37\ny\t0.00000000000000000000000000000000000002\nz\t1e37\nz\t0.00000000000000000000000000000000000001\n' >in
	run -0 mr-reduce -n 3 sum <in
	[ "$output" = "x${TAB}180000000000000000000000000000000000000
y${TAB}10000000000000000000000000000000000000.00000000000000000000000000000000000002
z${TAB}10000000000000000000000000000000000000.00000000000000000000000000000000000001" ]
}

@test "a number that needs more than 38 digits is an error, never inf or 0" {
	for v in 1e308 1e400 1e-400 1234567890123456789012345678901234567890 \
	    1e38 0.000000000000000000000000000000000000001; do
		printf 'k\t1\nk\t%s\n' "$v" >in
		run -1 --separate-stderr mr-reduce sum <in
		[ "$output" = "" ]
		[ "$stderr" = "mr-reduce: -:2: field 1: '$v' needs more than 38 digits" ]
		run -1 --separate-stderr mr-reduce -H max <in
		[ "$stderr" = "mr-reduce: -:2: field 1: '$v' needs more than 38 digits" ]
	done
	# Skipped and counted with -b, as any bad value.
	printf 'k\t1e308\nk\t1e308\nk\t2\n' >in
	run -0 --separate-stderr mr-reduce -b sum <in
	[ "$output" = "k${TAB}2" ]
	[ "$stderr" = "mr-reduce: 2 records skipped; the first: -:1: field 1: '1e308' needs more than 38 digits" ]
}

@test "a number is the whole field: a NUL or a stray byte makes it none" {
	printf 'a\t1\0garbage\n' >in
	run -1 --separate-stderr mr-reduce sum <in
	[ "$output" = "" ]
	[ "$stderr" = "mr-reduce: -:1: field 1: '1\\0garbage' is not a number" ]
	for v in '1 x' '1e5x' '0x10' 'nan(1)' '1,5' '--1'; do
		printf 'a\t%s\n' "$v" >in
		run -1 --separate-stderr mr-reduce -H sum <in
		[ "$stderr" = "mr-reduce: -:1: field 1: '$v' is not a number" ]
	done
}

@test "results print in their shortest exact form" {
	printf 'k\t1.50\nk\t2.500\nk\t1e6\n' >in
	run mr-reduce sum:1 min max <in
	[ "$output" = "k${TAB}1000004${TAB}1.5${TAB}1000000" ]
	printf 'k\t1\nk\t2\n' | mr-reduce mean median >out
	[ "$(cat out)" = "k${TAB}1.5${TAB}1.5" ]
	# A mean that does not end: 17 significant digits.
	printf 'k\t1\nk\t0\nk\t0\n' | mr-reduce mean >out
	[ "$(cat out)" = "k${TAB}0.33333333333333333" ]
}

@test "exponent forms are read exactly, inf and nan as IEEE does" {
	printf 'k\t1e20\nk\t1e0\nk\t-1e20\nk\t1.5E-30\n' >in
	in_every_mode "k${TAB}1.0000000000000000000000000000015" sum
	printf 'k\t2.5e-1\nk\t0.25\n' >in
	in_every_mode "k${TAB}0.5" sum
	printf 'k\t1\nk\tinf\nk\t-inf\n' >in
	in_every_mode "k${TAB}nan${TAB}-inf${TAB}inf${TAB}1" sum min max median
	printf 'k\t1\nk\tnan\nk\t2\n' >in
	in_every_mode "k${TAB}nan${TAB}1${TAB}nan" sum min max
}

@test "a key that comes back after another key is an error" {
	printf 'a\t1\nb\t2\na\t3\n' >in
	run -1 --separate-stderr mr-reduce sum <in
	[ "$stderr" = "mr-reduce: -:3: input not grouped by key ('a' after 'b'); sort it with mr-sort or use -H" ]
	run -0 mr-reduce -H sum <in
	[ "$output" = "a${TAB}4
b${TAB}2" ]
}

@test "input sorted in descending order is grouped too" {
	printf 'b\t1\nb\t2\na\t3\n' >in
	run -0 mr-reduce sum <in
	[ "$output" = "b${TAB}3
a${TAB}3" ]
}

@test "a value that is not a number stops with its line" {
	printf 'a\t1\nb\tx1\nc\t2\n' >in
	run -1 --separate-stderr mr-reduce sum <in
	[ "$stderr" = "mr-reduce: -:2: field 1: 'x1' is not a number" ]
	printf 'a\t1\t2\nb\t3\n' >in2
	run -1 --separate-stderr mr-reduce sum:2 <in2
	[ "$stderr" = "mr-reduce: -:2: no field 2 (the value has 1)" ]
	printf 'a\t\n' >in3
	run -1 --separate-stderr mr-reduce -H mean <in3
	[ "$stderr" = "mr-reduce: -:1: field 1: '' is not a number" ]
}

@test "-H on skewed keys over many chunks keeps each key's input order" {
	# A few keys hold most records; order-dependent operations (first,
	# last, collapse) show whether any thread count reorders a key's values.
	"$MR_TOOLS/gendata" zipf 400000 300 >in
	ops="count sum:1 mean:2 first:2 last:2 collapse:1"
	LC_ALL=C sort -t "$TAB" -k1,1 -s in | mr-reduce $ops >sorted.out
	for j in 1 2 3; do
		mr-reduce -H -j "$j" $ops <in | cmp - sorted.out
	done
	# A bad value in a late chunk is reported by its line, whoever owns it.
	mawk -F'\t' 'NR == 390000 { $2 = "x" } { print $1 "\t" $2 "\t" $3 }' in >bad
	for j in 1 2 3; do
		run -1 --separate-stderr mr-reduce -H -j "$j" sum:1 <bad
		[ "$stderr" = "mr-reduce: -:390000: field 1: 'x' is not a number" ]
	done
}

@test "-H reports the first bad line, whichever thread meets it" {
	"$MR_TOOLS/gendata" kv 20000 5000 |
	    mawk -F'\t' 'NR == 300 { $2 = "bad300" } NR == 15000 { $2 = "bad15000" }
		{ print $1 "\t" $2 "\t" $3 }' >in
	for i in 1 2 3; do
		run -1 --separate-stderr mr-reduce -H sum:1 <in
		[ "$stderr" = "mr-reduce: -:300: field 1: 'bad300' is not a number" ]
	done
	run -0 --separate-stderr mr-reduce -H -b count <in
	[ "$stderr" = "" ]
	for j in 1 2 4; do
		run -0 --separate-stderr mr-reduce -H -b -j $j sum <in
		[ "$stderr" = "mr-reduce: 2 records skipped; the first: -:300: field 1: 'bad300' is not a number" ]
	done
	sort -t "$TAB" -k1,1 -s in >sorted
	for j in 1 2 4; do
		run -0 --separate-stderr mr-reduce -b -j $j sum <sorted
		[ "${stderr%%: field*}" = "mr-reduce: 2 records skipped; the first: -:$(grep -n bad sorted | head -1 | cut -d: -f1)" ]
	done
}

@test "--skip-bad skips bad records, counts them and names the first; -q says nothing" {
	printf 'a\t1\nb\tx1\nb\t2\nc\tnope\na\t3\n' >in
	run -0 --separate-stderr mr-reduce -H --skip-bad sum count <in
	[ "$output" = "a${TAB}4${TAB}2
b${TAB}2${TAB}1" ]
	[ "$stderr" = "mr-reduce: 2 records skipped; the first: -:2: field 1: 'x1' is not a number" ]
	run -0 --separate-stderr mr-reduce -H -b -q sum count <in
	[ -z "$stderr" ]
	printf 'a\t1\nb\n' | mr-reduce -b sum 2>err
	[ "$(cat err)" = "mr-reduce: 1 record skipped: -:2: field 1: '' is not a number" ]
	# As a Hadoop task the count is also a counter.
	mapreduce_task_id=attempt_1 run -0 --separate-stderr mr-reduce -H -b -q sum <in
	[ "$stderr" = "$(printf 'reporter:counter:mr-reduce,%s\n' 'input records,5' \
	    'output records,2' 'skipped records,2')" ]
}

# verbose_counters IN OUT SKIPPED [LATE]: what -v says at the end.
verbose_counters() {
	printf 'mr-reduce: counter mr-reduce,input records: %s\n' "$1"
	printf 'mr-reduce: counter mr-reduce,output records: %s\n' "$2"
	printf 'mr-reduce: counter mr-reduce,skipped records: %s' "$3"
	[ $# -lt 4 ] || printf '\nmr-reduce: counter mr-reduce,late records: %s' "$4"
}

@test "-v writes the input, output and skipped record counters at the end, as mr-map -v does, in every engine" {
	local keys n j mode
	# Random keys and values, some bad: the counts are those of wc, uniq
	# and grep on the same lines.
	RANDOM=20261204
	for ((n = 0; n < 30000; n++)); do
		if ((RANDOM % 500 == 0)); then
			printf 'k%d\tbad\n' $((RANDOM % 700))
		else
			printf 'k%d\t%d\n' $((RANDOM % 700)) $RANDOM
		fi
	done >in
	LC_ALL=C sort -t "$TAB" -k1,1 -s in >sorted
	keys=$(cut -f1 in | LC_ALL=C sort -u | wc -l)
	n=$(grep -c bad in)
	for j in 1 4; do
		for mode in -H ""; do
			run -0 --separate-stderr mr-reduce $mode -v -q -b -j $j sum <sorted
			[ "$stderr" = "$(verbose_counters 30000 "$keys" "$n")" ]
			[ "${#lines[@]}" -eq "$keys" ]
		done
		run -0 --separate-stderr mr-reduce -H -v -q -b -j $j sum <in
		[ "$stderr" = "$(verbose_counters 30000 "$keys" "$n")" ]
	done
	run -0 --separate-stderr mr-reduce -n 3 -v -q -b count <in
	[ "$stderr" = "$(verbose_counters 30000 3 0)" ]
	# From a pipe, with windows (late records too), and with the notice
	# of skipped records before the counters unless -q.
	run -0 --separate-stderr sh -c 'cat sorted | mr-reduce -v -b -w 3600 sum'
	[ "$stderr" = "mr-reduce: $n records skipped; the first: -:$(grep -n bad sorted | head -1 | cut -d: -f1): field 1: 'bad' is not a number
$(verbose_counters 30000 "$keys" "$n" 0)" ]
	# Without -v, nothing but the notice; as a Hadoop task, reporter lines.
	run -0 --separate-stderr mr-reduce -q -b sum <sorted
	[ -z "$stderr" ]
	mapreduce_task_id=attempt_1 run -0 --separate-stderr mr-reduce -v -q -b sum <sorted
	[ "${stderr_lines[0]}" = "reporter:counter:mr-reduce,input records,30000" ]
}

@test "non-numeric operations take any text" {
	printf 'a\tx\na\ty\na\tx\n' >in
	run mr-reduce count first last unique countunique collapse <in
	[ "$output" = "a${TAB}3${TAB}x${TAB}x${TAB}x,y${TAB}2${TAB}x,y,x" ]
}

@test "-k and -t choose the key and the field separator" {
	printf 'a,x,1\na,x,2\na,y,5\n' >in
	run mr-reduce -t , -k 2 sum <in
	[ "$output" = "a,x,3
a,y,5" ]
	printf 'a\tx\t1\tz\na\tx\t2\tz\n' >in2
	run mr-reduce -k 2 sum collapse:2 <in2
	[ "$output" = "a${TAB}x${TAB}3${TAB}z,z" ]
}

@test "CRLF line ends and a missing final newline are handled" {
	printf 'a\t1\r\na\t2' >in
	run mr-reduce sum <in
	[ "$output" = "a${TAB}3" ]
	run mr-reduce -H sum <in
	[ "$output" = "a${TAB}3" ]
}

@test "empty input writes nothing" {
	run -0 mr-reduce sum </dev/null
	[ "$output" = "" ]
	run -0 mr-reduce -H sum </dev/null
	[ "$output" = "" ]
}

@test "a count combiner paired with a sum reducer gives the total count" {
	random_kv 3 5000 50 >in
	split -l 1300 in part.
	for p in part.*; do
		LC_ALL=C sort -t "$TAB" -k1,1 -s "$p" | mr-reduce count
	done | LC_ALL=C sort -t "$TAB" -k1,1 -s | mr-reduce sum >combined
	mr-reduce -H count <in >direct
	cmp combined direct
}

@test "--top keeps the N keys with the largest first result, ties by key" {
	printf 'a\t1\nb\t5\nc\t5\nd\t2\nd\t9\ne\t0\n' >in
	run mr-reduce --top 3 sum count <in
	[ "$output" = "d${TAB}11${TAB}2
b${TAB}5${TAB}1
c${TAB}5${TAB}1" ]
	run -2 --separate-stderr mr-reduce --top 3 first <in
	[[ $stderr == "mr-reduce: --top ranks by the first result, and 'first' is not a number"* ]]
}

@test "grouped output is written as soon as the next key starts" {
	mkfifo fifo
	mr-reduce sum <fifo >out &
	RPID=$!
	exec 7>fifo
	printf 'a\t1\na\t2\nb\t7\n' >&7
	# b's group is still open; a's is complete and flushed while idle.
	wait_for grep -qx "a${TAB}3" out
	! grep -q '^b' out
	exec 7>&-
	wait "$RPID"
	RPID=
	[ "$(cat out)" = "a${TAB}3
b${TAB}7" ]
}

@test "--window closes each window by a timer, without further input" {
	mkfifo fifo
	mr-reduce --window 1 count sum <fifo >out &
	RPID=$!
	exec 7>fifo
	printf 'x\t1\nx\t2\ny\t5\n' >&7
	# The writer stays open: only the timer can close the window.
	wait_for grep -q "${TAB}y${TAB}1${TAB}5\$" out
	grep -Eq "^20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z${TAB}x${TAB}" out
	# (Should a window end fall between the two x records, x has two lines.)
	[ "$(mawk -F'\t' '$2 == "x" { c += $3; s += $4 } END { print c, s }' out)" = "2 3" ]
	printf 'x\t10\n' >&7
	wait_for grep -q "${TAB}x${TAB}1${TAB}10\$" out
	exec 7>&-
	wait "$RPID"
	RPID=
	[ "$(mawk -F'\t' '$2 == "x" { c += $3; s += $4 } END { print c, s }' out)" = "3 13" ]
}

@test "EOF closes the open window" {
	printf 'x\t1\nx\t2\n' | mr-reduce --window 3600 sum >out
	grep -Eq "^20[0-9-]+T[0-9]{2}:00:00Z${TAB}x${TAB}3\$" out
}

@test "--every writes running totals at each interval without resetting" {
	mkfifo fifo
	mr-reduce --every 1 count <fifo >out &
	RPID=$!
	exec 7>fifo
	printf 'x\t1\n' >&7
	wait_for grep -q "${TAB}x${TAB}1\$" out
	printf 'x\t1\nz\t1\n' >&7
	wait_for grep -q "${TAB}x${TAB}2\$" out
	wait_for grep -q "${TAB}z${TAB}1\$" out
	exec 7>&-
	wait "$RPID"
	RPID=
	# Nothing was reset: no later count of x falls back to 1.
	mawk -F'\t' '$2 == "x" && $3 == 2 { seen = 1 }
	    seen && $2 == "x" && $3 == 1 { bad = 1 } END { exit bad }' out
	tail -n 1 out | grep -q "${TAB}z${TAB}1\$"
}

@test "--time-field windows by event time and reports late records" {
	cat >in <<-EOF
	a	1	2026-11-23T10:15:05Z
	b	2	2026-11-23T10:15:30Z
	a	3	2026-11-23T10:16:10Z
	a	4	2026-11-23T10:15:50Z
	a	5	2026-11-23T10:17:30Z
	a	6	2026-11-23T10:15:59Z
	b	7	1795429080
	EOF
	run -0 --separate-stderr mr-reduce --window 60 --time-field 2 --lateness 30 sum count <in
	[ "$output" = "2026-11-23T10:15:00Z${TAB}a${TAB}5${TAB}2
2026-11-23T10:15:00Z${TAB}b${TAB}2${TAB}1
2026-11-23T10:16:00Z${TAB}a${TAB}3${TAB}1
2026-11-23T10:17:00Z${TAB}a${TAB}5${TAB}1
2026-11-23T10:18:00Z${TAB}b${TAB}7${TAB}1" ]
	[ "$stderr" = "mr-reduce: 1 late record dropped" ]
}

@test "--top applies per window" {
	cat >in <<-EOF
	a	1	1795428900
	b	1	1795428901
	b	1	1795428902
	c	1	1795428960
	EOF
	run -0 mr-reduce --window 60 --time-field 2 --top 1 count <in
	[ "$output" = "2026-11-23T10:15:00Z${TAB}b${TAB}2
2026-11-23T10:16:00Z${TAB}c${TAB}1" ]
}

@test "usage errors exit 2 with the usage line" {
	run -2 --separate-stderr mr-reduce
	[ "${stderr_lines[0]}" = "mr-reduce: missing OP" ]
	[[ ${stderr_lines[1]} == "usage: mr-reduce "* ]]
	run -2 --separate-stderr mr-reduce average
	[ "${stderr_lines[0]}" = "mr-reduce: 'average' is not an operation" ]
	run -2 --separate-stderr mr-reduce sum:0
	[ "${stderr_lines[0]}" = "mr-reduce: sum:0: '0' is not a field number" ]
	run -2 --separate-stderr mr-reduce count sum:x
	[ "${stderr_lines[0]}" = "mr-reduce: sum:x: 'x' is not a field number" ]
	run -2 --separate-stderr mr-reduce p101
	[ "${stderr_lines[0]}" = "mr-reduce: 'p101' is not an operation" ]
	run -2 --separate-stderr mr-reduce -x sum
	[ "$stderr" = "mr-reduce: -x: unknown option
usage: mr-reduce [-Hbqv] [-j N] [-k K] [-t SEP] [-n N] [-w SECONDS | -e SECONDS]
                 [-f F [-l SECONDS]] OP[:FIELD]..." ]
	run -2 --separate-stderr mr-reduce --window=x count
	[ "${stderr_lines[0]}" = "mr-reduce: --window: 'x' is not a positive number of seconds" ]
	run -2 --separate-stderr mr-reduce --window 1 --every 1 count
	run -2 --separate-stderr mr-reduce --window 0 count
	run -2 --separate-stderr mr-reduce --time-field 2 count
	[ "${stderr_lines[0]}" = "mr-reduce: --time-field needs --window" ]
	run -2 --separate-stderr mr-reduce -f 2 count
	[ "${stderr_lines[0]}" = "mr-reduce: -f needs --window" ]
	run -2 --separate-stderr mr-reduce -w 5 -l 3 count
	[ "${stderr_lines[0]}" = "mr-reduce: -l needs --time-field" ]
	run -2 --separate-stderr mr-reduce -j 0 count
	run -0 mr-reduce --help
	[[ ${lines[0]} == "usage: mr-reduce "* ]]
	run -0 mr-reduce --version
	[[ $output == "mr-reduce (mr-tools) "* ]]
}

@test "a write error is reported with status 1" {
	[ -w /dev/full ] || skip "no /dev/full"
	printf 'a\t1\n' >in
	run -1 --separate-stderr bash -c 'mr-reduce sum <in >/dev/full'
	[[ $stderr == "mr-reduce: standard output: write error"* ]]
	run -1 --separate-stderr bash -c 'mr-reduce -H sum <in >/dev/full'
	[[ $stderr == "mr-reduce: standard output: write error"* ]]
	run -1 --separate-stderr bash -c 'mr-reduce --window 60 sum <in >/dev/full'
	[[ $stderr == "mr-reduce: standard output: write error"* ]]
}

@test "a closed pipe ends quietly with status 0" {
	"$MR_TOOLS/gendata" kv 200000 50000 >in
	run -0 --separate-stderr bash -c 'set -o pipefail; mr-reduce -H count <in | head -n 1'
	[ "$stderr" = "" ]
	[ "${#lines[@]}" -eq 1 ]
	LC_ALL=C sort -t "$TAB" -k1,1 -s in >sorted
	run -0 --separate-stderr bash -c 'set -o pipefail; mr-reduce count <sorted | head -n 1'
	[ "$stderr" = "" ]
}

@test "an empty key is a group of its own, first or not" {
	run mr-reduce count < <(printf '\tx\n\ty\nb\t1\n')
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '\t2\nb\t1')" ]
	run mr-reduce -H count < <(printf 'b\t1\n\tx\n')
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '\t1\nb\t1')" ]
}

@test "an empty first or last value prints as an empty field" {
	run mr-reduce first:1 last:1 < <(printf 'k\t\n')
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'k\t\t')" ]
}

@test "max compares a huge value with a tiny one by value, not by a wrapped product" {
	run mr-reduce -k 2 max:2 min:2 < <(printf 'k\tx\t1\t99999999999999999999999\nk\tx\t1\t0.0000000000000000001\n')
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'k\tx\t99999999999999999999999\t0.0000000000000000001')" ]
}

@test "SIGTERM or SIGINT of a live run: the skipped records are said, then the end by the signal" {
	local sig
	for sig in TERM INT; do
		stop_after_input "$sig" 'a\t1\na\tx\n' mr-reduce -w 1 -b sum
		[ "$status" -eq $((128 + $(kill -l "$sig"))) ]
		[ "$(cat err)" = "mr-reduce: 1 record skipped: -:2: field 1: 'x' is not a number" ]
	done
	stop_after_input TERM 'a\t1\na\tx\n' mr-reduce -v -q -w 1 -b sum
	[ "$(cat err)" = "$(verbose_counters 2 1 1 0)" ]
}
