#!/usr/bin/env bats
# mr-reduce's default (sorted) engines, one thread and chunks cut among
# several.  They take input in any order that keeps equal keys together
# and that sort programs give: key order (mr-sort, Hadoop,
# `sort -t SEP -k1,1`) and whole-line order (`LC_ALL=C sort`), up or down;
# anything else is an error at the same line, with the same message, for
# every -j.  The reference is a model in mawk of that rule; the inputs are
# keys that are prefixes of each other, followed by bytes below and above
# the separator.  On an error the output ends at a whole line.
bats_require_minimum_version 1.5.0
load helper

# keys SEED N SEP KEYFIELDS NOVALUE [MAX]: N records of KEYFIELDS fields of
# up to 4 bytes from a, b, two bytes below SEP (a byte code), one above,
# 0x80 and 0xff, then an integer value from 1 to MAX (9); NOVALUE of a
# hundred records have no value (no separator).
keys() {
	mawk -v seed="$1" -v n="$2" -v sep="$3" -v kf="$4" -v novalue="$5" \
	    -v max="${6:-9}" '
	BEGIN {
		srand(seed)
		s = sprintf("%c", sep)
		alpha[0] = "a"; alpha[1] = "b"
		alpha[2] = sprintf("%c", sep - 1); alpha[3] = sprintf("%c", sep - 7)
		alpha[4] = sprintf("%c", sep + 2)
		alpha[5] = sprintf("%c", 128); alpha[6] = sprintf("%c", 255)
		for (i = 0; i < n; i++) {
			rec = ""
			for (f = 0; f < kf; f++) {
				field = ""
				len = int(rand() * 5)
				for (j = 0; j < len; j++)
					field = field alpha[int(rand() * 7)]
				rec = f == 0 ? field : rec s field
			}
			if (rand() * 100 >= novalue)
				rec = rec s (1 + int(rand() * max))
			print rec
		}
	}'
}

# model SEP KEYFIELDS OPS < INPUT: what mr-reduce OPS ("count sum" or
# "count") writes for INPUT, ending in "error LINE" where the keys keep none
# of the four orders any more.
# Keys are compared as mawk strings (bytes, a prefix first, in the C
# locale), as whole lines with the separator appended.
model() {
	mawk -v sep="$1" -v kf="$2" -v ops="$3" '
	function keyof(line,   i, p, off) {
		off = 0
		for (i = 1; i <= kf; i++) {
			p = index(substr(line, off + 1), s)
			if (p == 0)
				return "" line
			off += p
		}
		return substr(line, 1, off - 1)
	}
	function group() {
		if (ops == "count")
			printf "%s%s%d\n", prev, s, count
		else
			printf "%s%s%d%s%.0f\n", prev, s, count, s, sum
	}
	BEGIN {
		s = sprintf("%c", sep)
		keyup = keydown = lineup = linedown = 1
	}
	{
		key = keyof($0)
		if (NR > 1 && key != prev) {
			if (key > prev) keydown = 0; else keyup = 0
			if (key s > prev s) linedown = 0; else lineup = 0
			if (!(keyup || keydown || lineup || linedown)) {
				print "error " NR
				exit
			}
			group()
		}
		if (NR == 1 || key != prev)
			count = sum = 0
		prev = key
		count++
		if (length(key) < length($0))
			sum += substr($0, length(key) + 2)
	}
	END { if (NR > 0 && (keyup || keydown || lineup || linedown)) group() }'
}

# check SEP KEYFIELDS OPS FILE: mr-reduce -t SEP -k KEYFIELDS OPS on FILE
# from a pipe and as a file with -j 1, 2 and 4 equals the model: the same
# output, or the same error line and message for all.
check() {
	local sep=$1 kf=$2 ops=$3 file=$4 t last err first j
	sepchar "$sep"
	model "$sep" "$kf" "$ops" <"$file" >want
	read -r last < <(tail -n 1 want)
	if [[ $last == "error "* ]]; then
		! mr-reduce -t "$t" -k "$kf" $ops < <(cat "$file") >/dev/null 2>err
		read -r first <err
		[[ $first == "mr-reduce: -:${last#error }: input not grouped by key ("* ]] ||
		    { echo "$file: want $last, got $first"; return 1; }
		for j in 1 2 4; do
			! mr-reduce -j "$j" -t "$t" -k "$kf" $ops <"$file" >/dev/null 2>err
			read -r err <err
			[ "$err" = "$first" ] || { echo "$file -j $j: $err"; return 1; }
		done
		return 0
	fi
	mr-reduce -t "$t" -k "$kf" $ops < <(cat "$file") >out ||
	    { echo "$file: rejected"; return 1; }
	cmp want out || { echo "$file: from a pipe"; return 1; }
	for j in 1 2 4; do
		mr-reduce -j "$j" -t "$t" -k "$kf" $ops <"$file" >out
		cmp want out || { echo "$file -j $j"; return 1; }
	done
}

# The separators of the tests: TAB and comma, as byte codes.
SEPS="9 44"

# sepchar CODE: the separator of byte code CODE, in $t.
sepchar() {
	printf -v t '%b' "\\$(printf %03o "$1")"
}

@test "LC_ALL=C sort, sort -k1,1 and mr-sort output, up and down, are all taken" {
	local sep kf t f n=0 differ=0
	for sep in $SEPS; do
		sepchar "$sep"
		for kf in 1 2; do
			keys "$sep$kf" 20000 "$sep" "$kf" 0 >in
			sort in >line
			sort -r in >line-down
			sort -t "$t" -k "1,$kf" in >key
			mr-sort -t "$t" -k "$kf" in >mrsort
			mr-sort -r -t "$t" -k "$kf" in >mrsort-down
			for f in line line-down key mrsort mrsort-down; do
				# Sorted input never gives an error.
				model "$sep" "$kf" count <$f | tail -n 1 >last
				[[ $(<last) != "error "* ]]
				check "$sep" "$kf" "count sum" "$f"
				n=$((n + 1))
			done
			# The two orders differ on these keys.
			cmp -s line key || differ=$((differ + 1))
		done
	done
	[ "$n" -eq 20 ] && [ "$differ" -eq 4 ]
	# The attack's CSV keys, and keys followed by control bytes.
	printf 'San,1\nSan Jose,2\nSanta,3\n' | sort | mr-reduce -t , sum >out
	[ "$(<out)" = "San Jose,2
San,1
Santa,3" ]
	printf 'a\t1\na\001\t1\nb\t1\na\t1\n' | sort | mr-reduce count >out
	[ "$(<out)" = "$(printf 'a\001\t1\na\t2\nb\t1')" ]
}

@test "keys without a value sorted as whole lines: taken while they keep an order" {
	local sep kf t f
	for sep in $SEPS; do
		sepchar "$sep"
		for kf in 1 2; do
			keys "$sep$kf" 5000 "$sep" "$kf" 20 >in
			sort in >line
			sort -t "$t" -k "1,$kf" in >key
			mr-sort -t "$t" -k "$kf" in >mrsort
			for f in line key mrsort; do
				check "$sep" "$kf" count "$f"
			done
		done
	done
	# A key without a value and the same key with one, sorted as lines
	# with a key between them: not grouped, and said.
	printf 'a\na\001\t1\na\t1\n' | sort >in
	run -1 --separate-stderr mr-reduce count <in
	[ "$stderr" = "mr-reduce: -:3: input not grouped by key ('a' after 'a\x01'); sort it with mr-sort or use -H" ]
}

@test "unsorted input is an error at the same line, with the same message, for every -j" {
	local sep kf t f pos
	for sep in $SEPS; do
		sepchar "$sep"
		for kf in 1 2; do
			keys "$sep$kf" 20000 "$sep" "$kf" 0 >in
			# Sorted by key up to a point, then as lines; a line
			# moved back; up, then down.
			pos=$(( (sep * 7919 + kf * 4001) % 20000 ))
			sort -t "$t" -k "1,$kf" in >key
			{ head -n "$pos" key; tail -n +$((pos + 1)) key | sort; } >mixed
			{ head -n "$pos" key; tail -n 1 key; tail -n +$((pos + 1)) key; } >moved
			{ head -n "$pos" key; tail -n +$((pos + 1)) key | sort -r; } >turn
			for f in in mixed moved turn; do
				check "$sep" "$kf" "count sum" "$f"
			done
		done
	done
}

@test "over several chunks, each order's first break is found wherever it falls" {
	# 500,000 records are 3 chunks of the parallel engine (7 MB).  Sorted by key,
	# then as lines: line order breaks early, key order late, and the error
	# is where the later breaks; and the other way round.
	keys 77 500000 9 1 0 99999999 | sort -t "$TAB" -k1,1 >key
	{ head -n 400000 key; tail -n +400001 key | sort; } >mixed
	check 9 1 "count sum" mixed
	sort key >line
	{ head -n 123457 line | sort -t "$TAB" -k1,1; tail -n +123458 line; } >mixed2
	check 9 1 "count sum" mixed2
	check 9 1 "count sum" line
}

# whole_prefix OUT WANT: OUT is empty or whole lines of WANT from its start.
whole_prefix() {
	local n
	[ -s "$1" ] || return 0
	[ "$(tail -c 1 "$1" | od -An -c | tr -d ' ')" = '\n' ] ||
	    { echo "$1 ends inside a line: $(tail -c 20 "$1" | od -An -c)"; return 1; }
	n=$(wc -l <"$1")
	head -n "$n" "$2" | cmp - "$1"
}

@test "on a data error late in a big input the output ends at a whole line, for every -j" {
	# 600,000 keys (3 chunks), then one out of order; and a bad value.
	mawk 'BEGIN { for (i = 0; i < 600000; i++) printf "k%07d\t%d\n", i, i % 7 }' >in
	mawk '{ print } END { print "k0000001\t1" }' in >unsorted
	mawk 'NR == 599990 { $0 = "k0599989\tx" } { print }' in >badvalue
	mr-reduce sum <in >want
	for f in unsorted badvalue; do
		[ $f = unsorted ] && msg="-:600001: input not grouped by key ('k0000001' after 'k0599999'); sort it with mr-sort or use -H"
		[ $f = badvalue ] && msg="-:599990: field 1: 'x' is not a number"
		# One thread, from a file and from a pipe: every group closed
		# before the error is written.
		! mr-reduce -j 1 sum <$f >out 2>err
		[ "$(<err)" = "mr-reduce: $msg" ]
		whole_prefix out want
		[ $f = unsorted ] && [ "$(wc -l <out)" -eq 599999 ]
		[ $f = badvalue ] && [ "$(wc -l <out)" -eq 599988 ]
		! cat $f | mr-reduce sum >pipe.out 2>err
		[ "$(<err)" = "mr-reduce: $msg" ]
		cmp out pipe.out
		# Chunks: as far as the chunks before the error.
		for j in 2 4; do
			! mr-reduce -j $j sum <$f >out 2>err
			[ "$(<err)" = "mr-reduce: $msg" ]
			whole_prefix out want
			[ "$(wc -l <out)" -gt 0 ]
		done
	done
}

@test "a data error is said with status 1 even when the output's reader is gone" {
	printf 'b\t1\na\t1\nb\t1\n' >in
	run into_closed_pipe mr-reduce -j 1 sum <in
	[ "$output" = "mr-reduce: -:3: input not grouped by key ('b' after 'a'); sort it with mr-sort or use -H
status 1" ]
}
