#!/usr/bin/env bats
# mr-sort: Hadoop key order, in memory and by external merge.
bats_require_minimum_version 1.5.0
load helper

USAGE="usage: mr-sort [-cmnrsuV] [-k K] [-t SEP] [-K POS1[,POS2]]... [-F SEP] [-S SIZE]
               [-T DIR] [-P N] [-o FILE] [FILE...]"

# records SEED N: N random key-value lines mixing the hard cases: keys of
# bytes 0x01-0xFF (no TAB or newline), UTF-8, empty keys, lines without a
# TAB, long common prefixes, and few distinct keys (many equal keys, whose
# values number the lines so that stability shows).
records() {
	mawk -v seed="$1" -v n="$2" 'BEGIN {
		srand(seed)
		split("é 日本 € ü ñ ß", utf, " ")
		for (i = 0; i < n; i++) {
			t = rand()
			if (t < 0.1) k = ""
			else if (t < 0.3) {
				k = ""; m = int(rand() * 6)
				for (j = 0; j < m; j++) {
					c = 1 + int(rand() * 255)
					if (c == 9 || c == 10 || c == 13) c = 65
					k = k sprintf("%c", c)
				}
			} else if (t < 0.45) k = "commonprefix-commonprefix-" substr("abcab", 1 + int(rand() * 5), 1 + int(rand() * 3))
			else if (t < 0.55) k = utf[1 + int(rand() * 6)] utf[1 + int(rand() * 6)]
			else k = "k" int(rand() * 20)
			u = rand()
			if (u < 0.1) print k
			else if (u < 0.15) print k "\t"
			else print k "\t" i "\t" int(rand() * 3)
		}
	}'
}

# has_files DIR: DIR holds something.
has_files() {
	[ -n "$(ls -A "$1")" ]
}

gnusort() {
	LC_ALL=C sort -t "$TAB" -k1,1 -s "$@"
}

@test "help prints the usage and every option on stdout with status 0" {
	run -0 --separate-stderr mr-sort --help
	[ "${lines[0]}
${lines[1]}" = "$USAGE" ]
	[[ $output == *"  -k, --key-fields K "* ]]
	[[ $output == *"  -K, --key POS1[,POS2] "* ]]
	[ -z "$stderr" ]
	run -0 mr-sort --version
	[[ $output == "mr-sort (mr-tools) "* ]]
}

@test "bad options are usage errors with status 2" {
	run -2 --separate-stderr mr-sort -S lots
	[ "$stderr" = "mr-sort: -S: 'lots' is not a size (such as 4096, 64K, 16M or 2G)
$USAGE" ]
	run -2 --separate-stderr mr-sort -k 0
	[ "$stderr" = "mr-sort: -k: '0' is not a key field count (the key is the first K fields)
$USAGE" ]
	run -2 --separate-stderr mr-sort -k2,2n
	[ "$stderr" = "mr-sort: -k: '2,2n' is not a key field count (the key is the first K fields)
$USAGE" ]
	run -2 --separate-stderr mr-sort -x
	[ "$stderr" = "mr-sort: -x: unknown option
$USAGE" ]
	run -2 --separate-stderr mr-sort --parallel=0
	[ "$stderr" = "mr-sort: --parallel: '0' is not a number from 1 to 1024
$USAGE" ]
	run -2 --separate-stderr mr-sort -t
	[ "$stderr" = "mr-sort: -t: missing argument
$USAGE" ]
	run -2 --separate-stderr mr-sort -c a b
	[ "$stderr" = "mr-sort: -c checks one FILE
$USAGE" ]
}

@test "-K sorts by Hadoop's KeyFieldBasedComparator: a secondary sort as GNU sort -k gives it" {
	mawk 'BEGIN { srand(31); for (i = 0; i < 3000; i++)
	    printf "%s\t%d\tv%d\n", substr("abcdef", 1 + int(rand() * 6), 1), int(rand() * 200) - 100, i }' >in.txt
	mr-sort -k 2 -K 1,1 -K 2,2nr in.txt >got
	LC_ALL=C sort -s -t "$TAB" -k1,1 -k2,2nr in.txt | cmp - got
	# -F: the key's fields split at another separator; -n and -r are the
	# global flags of specifications without their own.
	tr '\t' . <in.txt | mr-sort -t . -k 2 -F . -nr -K 2,2 -K 1,1r >got
	tr '\t' . <in.txt | LC_ALL=C sort -s -t . -k2,2nr -k1,1r | cmp - got
	# Ending before the start: Hadoop's negative lengths, but numerically
	# Hadoop's order depends on bytes after the key.
	run -0 mr-sort -K 2,1 in.txt
	run -2 --separate-stderr mr-sort -K 2,1n in.txt
	[ "${stderr_lines[0]}" = "mr-sort: -K: a numeric key specification ends before it starts (as 3,1n): Hadoop's order then depends on the bytes after the key" ]
}

@test "a missing input file is an error naming it" {
	run -1 --separate-stderr mr-sort nosuch
	[ "$stderr" = "mr-sort: nosuch: No such file or directory" ]
}

@test "in memory: random keys give the same bytes as LC_ALL=C sort -t TAB -k1,1 -s" {
	for seed in 1 2 3; do
		records $seed 20000 >in
		gnusort in >want
		mr-sort in >got
		cmp want got
		mr-sort -P 1 <in >got1
		cmp want got1
	done
}

@test "a tiny -S forces an external sort with multi-pass merges and the same bytes" {
	records 4 30000 >in
	gnusort in >want
	mkdir tmp
	mr-sort -S 64K -T tmp in >got
	cmp want got
	TMPDIR=$PWD/tmp mr-sort -S 200K -P 2 -u in >got
	gnusort -u in >want
	cmp want got
	[ -z "$(ls -A tmp)" ]
}

@test "equal keys keep their input order, in memory and external" {
	mawk 'BEGIN { for (i = 0; i < 60000; i++) print "k" (i % 3) "\t" i }' >in
	mr-sort in >got
	mawk -F '\t' '{ print > ("k-" $1) }' got
	for k in k0 k1 k2; do
		sort -c -n -t "$TAB" -k2,2 "k-$k"
	done
	gnusort in | cmp - got
	mr-sort -S 64K in | cmp - got
}

@test "keys that differ only after a long common prefix, and a prefix sorts first" {
	p=$(printf 'x%.0s' {1..300})
	printf '%sb\t1\n%s\t2\n%sa\t3\n%s\t4\n%sab\t5\n' "$p" "$p" "$p" "$p" "$p" >in
	run -0 mr-sort in
	gnusort in | cmp - <(mr-sort in)
	[ "${lines[0]}" = "$p${TAB}2" ]
	[ "${lines[1]}" = "$p${TAB}4" ]
	[ "${lines[4]}" = "${p}b${TAB}1" ]
}

@test "-r reverses the key order and stays stable" {
	records 5 20000 >in
	gnusort -r in >want
	mr-sort -r in | cmp want -
	mr-sort -r -S 64K in | cmp want -
}

@test "-u keeps the first record of each key" {
	records 6 20000 >in
	gnusort -u in >want
	mr-sort -u in | cmp want -
	printf 'b\t1\na\t2\nb\t3\na\t4\n' | mr-sort -u >got
	printf 'a\t2\nb\t1\n' | cmp - got
}

@test "-V orders equal keys by their value bytes" {
	records 7 20000 >in
	gnusort -k2 in >want
	mr-sort -V in | cmp want -
	mr-sort -V -S 64K in | cmp want -
	gnusort -k2 -r in >want
	mr-sort -V -r in | cmp want -
}

@test "-k 2 makes the first two fields the key; -t sets the separator" {
	records 8 10000 >in
	LC_ALL=C sort -t "$TAB" -k1,2 -s in >want
	mr-sort -k 2 in | cmp want -
	tr '\t' , <in >comma
	LC_ALL=C sort -t , -k1,1 -s comma >want
	mr-sort -t , comma | cmp want -
}

@test "-n sorts numbers by value, stably, non-numbers first in byte order" {
	mawk 'BEGIN { srand(9); for (i = 0; i < 20000; i++) {
		t = rand()
		if (t < 0.4) k = int(rand() * 200) - 100
		else if (t < 0.7) k = sprintf("%.3f", rand() * 20 - 10)
		else k = int(rand() * 5)
		print k "\t" i } }' >in
	LC_ALL=C sort -t "$TAB" -k1,1 -s -n in >want
	mr-sort -n in | cmp want -
	mr-sort -n -S 64K in | cmp want -
	LC_ALL=C sort -t "$TAB" -k1,1 -s -n -r in | cmp - <(mr-sort -n -r in)
	printf '10\t1\nabc\t2\n-2.5\t3\n\t4\n1.0\t5\nab\t6\n1\t7\n' | mr-sort -n >got
	printf '\t4\nab\t6\nabc\t2\n-2.5\t3\n1.0\t5\n1\t7\n10\t1\n' | cmp - got
}

@test "CRLF input: the CR is dropped and the order is that of the LF lines" {
	records 10 10000 | sed 's/$/\r/' >in
	sed 's/\r$//' in | gnusort >want
	mr-sort in | cmp want -
	mr-sort -S 64K in | cmp want -
	printf 'b\r\na\r\r\n' | mr-sort | od -c >got
	printf 'a\r\nb\n' | od -c | cmp - got
}

@test "many inputs and stdin are sorted together" {
	records 11 9000 >all
	split -l 2000 all part.
	gnusort all >want
	cat part.ab | mr-sort part.aa - part.ac part.ad part.ae | cmp want -
}

@test "a last line without a newline and a byte-order mark are handled" {
	printf '\357\273\277b\t1\na\t2' >in
	run -0 mr-sort in
	[ "$output" = "a${TAB}2
b${TAB}1" ]
}

@test "-o may name an input: it is replaced only after reading" {
	records 12 5000 >in
	gnusort in >want
	chmod 600 in
	mr-sort -o in in
	cmp want in
	[ "$(stat -c %a in)" = 600 ]
	[ -z "$(ls -A | grep '^\.in\.')" ]
}

@test "-m merges sorted random chunks like sort -m" {
	records 13 20000 >all
	for i in 0 1 2 3 4 5 6; do
		mawk -v i=$i 'NR % 7 == i' all | gnusort >c$i
	done
	gnusort -m c0 c1 c2 c3 c4 c5 c6 >want
	mr-sort -m c0 c1 c2 c3 c4 c5 c6 | cmp want -
	gnusort -m -u c0 c1 c2 c3 c4 c5 c6 >want
	mr-sort -m -u c0 c1 c2 c3 c4 c5 c6 | cmp want -
}

@test "-m with an input out of order fails naming FILE:LINE" {
	printf 'a\nb\n' >good
	printf 'a\nc\nb\n' >bad
	run -1 --separate-stderr mr-sort -m good bad
	[ "$stderr" = "mr-sort: bad:3: disorder: b" ]
}

@test "-m stopped by an input out of order has written every record merged before it, as sort -m does" {
	printf 'a\t1\nc\t1\nb\t1\nd\t1\n' >bad
	printf 'a\t2\nd\t2\n' >good
	run -1 --separate-stderr mr-sort -m bad good
	[ "$stderr" = "mr-sort: bad:3: disorder: b${TAB}1" ]
	[ "$output" = "$(printf 'a\t1\na\t2\nc\t1')" ]
	# GNU sort -m, which does not check, writes the same records first.
	gnusort -m bad good | head -3 >want
	[ "$output" = "$(cat want)" ]
	# Many records: everything before the disorder, whole lines, in order.
	seq -w 1 200000 | sed 's/$/\tv/' >big
	{ seq -f '%06.0f' 1 1000 | sed 's/$/\tw/'; printf '0\tx\n'; } >late
	run -1 --separate-stderr mr-sort -m big late
	[ "$stderr" = "mr-sort: late:1001: disorder: 0${TAB}x" ]
	[ "${#lines[@]}" -eq 2000 ]
	[ "${lines[1998]}" = "001000${TAB}v" ]
	[ "${lines[1999]}" = "001000${TAB}w" ]
	# With -o nothing is made: no file, no temporary; an old file stays.
	mkdir out
	run -1 --separate-stderr mr-sort -m -o out/merged big late
	[ "$stderr" = "mr-sort: late:1001: disorder: 0${TAB}x" ]
	[ -z "$(ls -A out)" ]
	echo old >out/merged
	run -1 --separate-stderr mr-sort -m -o out/merged big late
	[ "$(ls -A out)" = merged ]
	[ "$(cat out/merged)" = old ]
}

@test "-c accepts sorted input quietly and shows the first disorder as sort -c does" {
	records 14 5000 | gnusort >sorted
	run -0 --separate-stderr mr-sort -c sorted
	[ -z "$output" ] && [ -z "$stderr" ]
	printf 'a\t3\nb\t1\nb\t0\nab\t2\n' >unsorted
	run -1 --separate-stderr mr-sort -c unsorted
	[ "$stderr" = "mr-sort: unsorted:4: disorder: ab${TAB}2" ]
	run -1 --separate-stderr mr-sort -c -u unsorted
	[ "$stderr" = "mr-sort: unsorted:3: disorder: b${TAB}0" ]
	run -1 --separate-stderr mr-sort -c <unsorted
	[ "$stderr" = "mr-sort: -:4: disorder: ab${TAB}2" ]
	printf 'a\nc\nb\n' >lines
	run -1 --separate-stderr mr-sort -c <lines
	[ "$stderr" = "$(LC_ALL=C sort -c <lines 2>&1 | sed 's/^sort/mr-sort/')" ]
}

@test "-c shows the whole out-of-order line, bytes as they are, NULs and long lines too, as sort -c does" {
	local long
	long=$(head -c 5000 /dev/zero | tr '\0' y)
	printf 'b\na\0x\n' >nul
	printf 'z\n%s\n' "$long" >long
	for f in nul long; do
		mr-sort -c <$f 2>got && false
		LC_ALL=C sort -c <$f 2>want && false
		sed -i 's/^sort/mr-sort/' want
		cmp got want || { od -c got | head; false; }
	done
}

@test "a write error while spilling names the directory and leaves nothing" {
	records 15 30000 >in
	mkdir tmp
	run -1 --separate-stderr bash -c 'trap "" XFSZ; ulimit -f 50; mr-sort -S 64K -T tmp in >/dev/null'
	[ "$stderr" = "mr-sort: tmp: write error: File too large" ]
	[ -z "$(ls -A tmp)" ]
}

@test "a missing temporary directory is named in the error" {
	records 18 30000 >in
	run -1 --separate-stderr mr-sort -S 64K -T nodir in
	[ "$stderr" = "mr-sort: nodir: No such file or directory" ]
	[ -z "$output" ]
}

@test "a signal that ends the sort during a spill leaves no temporary file" {
	records 16 30000 >in
	mkdir tmp out
	mkfifo fifo
	ulimit -c 0
	# (SIGPIPE is ignored: a closed output is a write error, handled.)
	for sig in INT TERM HUP QUIT ALRM USR1 USR2 XCPU VTALRM PROF; do
		env --default-signal=$sig mr-sort -S 64K -T tmp -o out/sorted fifo &
		pid=$!
		exec 7>fifo
		cat in >&7
		wait_for has_files tmp
		kill -$sig $pid
		status=0
		wait $pid || status=$?
		exec 7>&-
		echo "$sig: status $status, left: $(ls -A tmp) $(ls -A out)"
		[ "$status" -eq $((128 + $(kill -l $sig))) ]
		[ -z "$(ls -A tmp)$(ls -A out)" ]
	done
}

@test "a full output device is an error with status 1" {
	printf 'b\na\n' >in
	run -1 --separate-stderr bash -c 'mr-sort in >/dev/full'
	[ "$stderr" = "mr-sort: standard output: write error: No space left on device" ]
}

@test "a closed pipe ends the sort quietly" {
	records 17 100000 >in
	run -0 --separate-stderr bash -c 'mr-sort in | head -1; exit ${PIPESTATUS[0]}'
	[ -n "$output" ]
	[ -z "$stderr" ]
}

@test "-n with a key of several fields is refused and points to -K" {
	printf '2\t5\tx\n1\t10\ty\n1\t9\tz\n10\t1\tw\n' >in
	run -2 --separate-stderr mr-sort -n -k 2 in
	[ "${stderr_lines[0]}" = "mr-sort: -n orders a key of one field; for a key of 2 fields as numbers use -K (as -K 1,1n -K 2,2n)" ]
	run -0 mr-sort -k 2 -K 1,1n -K 2,2n in
	[ "$output" = "$(printf '1\t9\tz\n1\t10\ty\n2\t5\tx\n10\t1\tw')" ]
	run -0 mr-sort -n -k 1 in
}

@test "a procfs file that refuses large reads is sorted (read again in smaller pieces)" {
	[ -r /proc/sys/kernel/ostype ] || skip "no /proc/sys/kernel/ostype"
	run -0 --separate-stderr mr-sort /proc/sys/kernel/ostype
	[ "$output" = "$(cat /proc/sys/kernel/ostype)" ]
}
