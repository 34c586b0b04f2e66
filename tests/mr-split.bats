#!/usr/bin/env bats
# mr-split: chunks at record boundaries; Hadoop FileSplits and LineRecordReader.
bats_require_minimum_version 1.5.0
load helper

# The records Hadoop's LineRecordReader gives for a whole file, one per
# line: "\r\n" and lone "\r" end lines too; a last line gets its "\n".
hadoop_records() {
	perl -0777 -pe 's/\r\n?/\n/g; $_ .= "\n" if length($_) && !/\n\z/' "$1"
}

# Read every split that "mr-split -i OPTIONS FILE" plans, in order.
read_all_splits() {
	mr-split -i "$@" | while IFS=$TAB read -r name off len; do
		mr-split -r "$off:$len" "$name"
	done
}

mixed_input() {
	"$MR_TOOLS/gendata" text 30000 | head -c 29999 |
	    mawk 'NR % 7 == 0 { printf "%s\r\n", $0; next }
	         NR % 11 == 0 { printf "%s\r", $0; next }
	         NR % 13 == 0 { print ""; next } { print }' | head -c 29000
}

@test "-n chunks concatenate to the input byte for byte" {
	"$MR_TOOLS/gendata" kv 50000 >kv
	mixed_input >mixed
	for f in kv mixed; do
		for n in 1 2 3 8 13; do
			rm -f split-*
			mr-split -n "$n" "$f" >list
			[ "$(wc -l <list)" -eq "$n" ]
			xargs cat <list | cmp - "$f"
		done
	done
}

@test "-n chunks are nearly equal and end at a line end" {
	"$MR_TOOLS/gendata" kv 40000 >kv
	mr-split -n 4 kv >list
	size=$(wc -c <kv)
	for f in $(cat list); do
		[ "$(tail -c 1 "$f" | od -An -c | tr -d ' ')" = '\n' ]
		c=$(wc -c <"$f")
		((c > size / 4 - 40 && c < size / 4 + 40))
	done
}

@test "chunk paths come out in order, named PREFIX and five digits" {
	seq 1 100 >in
	run mr-split -n 3 -p part. in
	[ "$output" = "part.00000
part.00001
part.00002" ]
}

@test "several files are split as their concatenation" {
	printf 'a\nb\nc' >one
	printf 'd\ne\n' >two
	mr-split -n 2 one two >list
	cat one two | cmp - <(xargs cat <list)
	mr-split -l 2 one two >list
	[ "$(cat split-00001)" = "cd
e" ]
}

@test "-b chunks hold at most SIZE bytes unless a line is longer" {
	mixed_input | head -c 8000 >mixed
	printf '%s\n' "$(head -c 5000 /dev/zero | tr '\0' x)" >>mixed
	printf 'tail' >>mixed
	for b in 1 500 4K; do
		rm -f split-*
		mr-split -b "$b" mixed >list
		xargs cat <list | cmp - mixed
		xargs wc -lc <list | mawk -v max="$(numfmt --from=iec "$b")" '
		    $3 != "total" && $2 > max && $1 > 1 { print "too big:", $0; bad = 1 }
		    END { exit bad }'
	done
}

@test "-b packs as many whole lines as fit" {
	printf 'aaa\nbbb\nccc\ndd\ne\n' >in
	mr-split -b 8 in >list
	[ "$(cat split-00000)" = "aaa
bbb" ]
	[ "$(cat split-00001)" = "ccc
dd" ]
	[ "$(cat split-00002)" = e ]
	[ "$(wc -l <list)" -eq 3 ]
}

@test "-l chunks hold LINES records, the last one the rest" {
	seq 1 10 >in
	printf 'no newline' >>in
	mr-split -l 4 in >list
	[ "$(wc -l <list)" -eq 3 ]
	[ "$(cat split-00000)" = "$(seq 1 4)" ]
	[ "$(cat split-00002)" = "9
10
no newline" ]
	xargs cat <list | cmp - in
}

@test "stdin from a pipe is dealt round-robin in blocks of whole records" {
	"$MR_TOOLS/gendata" kv 60000 >kv
	cat kv | mr-split -n 3 >list
	[ "$(wc -l <list)" -eq 3 ]
	for f in $(cat list); do
		[ -s "$f" ]
		[ "$(tail -c 1 "$f" | od -An -c | tr -d ' ')" = '\n' ]
	done
	xargs cat <list | LC_ALL=C sort | cmp - <(LC_ALL=C sort kv)
}

@test "stdin redirected from a file is split by size from where it stands" {
	seq 1 1000 >in
	mr-split -n 2 <in >list
	xargs cat <list | cmp - in
	# 3893 bytes: the cut follows the first newline at or after byte 1945.
	[ "$(head -1 split-00001)" = 515 ]
	{ read -r first; mr-split -n 2 >list; } <in
	xargs cat <list | cmp - <(tail -n +2 in)
}

@test "empty input: -n gives N empty chunks, -l none" {
	mr-split -n 3 /dev/null >list </dev/null
	: >empty
	mr-split -n 3 empty >list
	[ "$(wc -l <list)" -eq 3 ]
	[ ! -s split-00002 ]
	rm split-*
	run mr-split -l 5 empty
	[ -z "$output" ]
	[ -z "$(ls split-* 2>/dev/null)" ]
}

@test "a byte-order mark is kept: chunks are bytes, not records" {
	printf '\357\273\277a\nb\n' >bom
	mr-split -l 1 bom >list
	cmp <(xargs cat <list) bom
}

@test "each chunk path is printed as soon as the chunk is complete" {
	mkfifo fifo
	mr-split -l 2 fifo >list &
	pid=$!
	exec 8>fifo
	printf 'a\nb\nc\n' >&8
	wait_for grep -qx split-00000 list
	[ "$(cat split-00000)" = "a
b" ]
	[ ! -e split-00001 ]
	exec 8>&-
	wait "$pid"
	[ "$(cat list)" = "split-00000
split-00001" ]
}

@test "-i gives Hadoop's splits: block size, requested maps, 1.1 slop" {
	head -c 1000 /dev/zero >f
	run mr-split -i -b 300 f
	[ "$output" = "f${TAB}0${TAB}300
f${TAB}300${TAB}300
f${TAB}600${TAB}300
f${TAB}900${TAB}100" ]
	run mr-split -i -b 480 f
	[ "$output" = "f${TAB}0${TAB}480
f${TAB}480${TAB}520" ]
	run mr-split -i -b 100 -n 4 f
	[ "${lines[0]}" = "f${TAB}0${TAB}100" ]
	run mr-split -i -n 4 f
	[ "$output" = "f${TAB}0${TAB}250
f${TAB}250${TAB}250
f${TAB}500${TAB}250
f${TAB}750${TAB}250" ]
	head -c 1100 /dev/zero >g
	run mr-split -i -b 1000 g
	[ "$output" = "g${TAB}0${TAB}1100" ]
	: >empty
	run mr-split -i empty
	[ "$output" = "empty${TAB}0${TAB}0" ]
}

@test "-i -n divides the total size of all files, as the mapred API does" {
	head -c 600 /dev/zero >a
	head -c 200 /dev/zero >b
	run mr-split -i -n 4 a b
	[ "$output" = "a${TAB}0${TAB}200
a${TAB}200${TAB}200
a${TAB}400${TAB}200
b${TAB}0${TAB}200" ]
}

@test "-i -S numbers splits as Hadoop's job submitter: longest first, ties in file order" {
	head -c 300 /dev/zero >a
	head -c 1000 /dev/zero >b
	head -c 300 /dev/zero >c
	run mr-split -i -S -b 400 a b c
	[ "$output" = "b${TAB}0${TAB}400
b${TAB}400${TAB}400
a${TAB}0${TAB}300
c${TAB}0${TAB}300
b${TAB}800${TAB}200" ]
	# The same as a stable sort of the plain listing by length.
	for f in a b c; do head -c $((RANDOM % 5000)) /dev/zero >"$f"; done
	diff <(mr-split -i -S -n 7 a b c) \
	    <(mr-split -i -n 7 a b c | sort -s -t "$TAB" -k3,3nr)
	run mr-split -S a
	[ "$status" -eq 2 ]
}

@test "-i on a 20 GB sparse file plans 160 block splits without reading it" {
	truncate -s 20G big
	run mr-split -i big
	[ "${#lines[@]}" -eq 160 ]
	[ "${lines[159]}" = "big${TAB}21340618752${TAB}134217728" ]
}

@test "-r follows LineRecordReader: skip the first line, finish the last" {
	printf 'ab\ncd\nef\n' >f
	[ "$(mr-split -r 0:4 f)" = "ab
cd" ]
	[ "$(mr-split -r 4:5 f)" = ef ]
	[ "$(mr-split -r 0:3 f)" = "ab
cd" ]
	[ "$(mr-split -r 3:3 f)" = ef ]
	[ -z "$(mr-split -r 3:2 f)" ]
	printf 'a\r\nb\rc' >g
	[ "$(mr-split -r 0:1 g | od -An -c | tr -s ' ')" = " a \n" ]
	[ "$(mr-split -r 2:4 g)" = "b
c" ]
	[ "$(mr-split -r 4:1 g)" = c ]
	[ -z "$(mr-split -r 3:1 g)" ]
}

@test "-i and -r read every record exactly once, for tiny to large splits" {
	mixed_input >mixed
	hadoop_records mixed >want
	for b in 499 4K 1M; do
		read_all_splits -b "$b" mixed | cmp - want
	done
	printf 'ab\r\nb\rc\r\r\n\nd\n\r\nxyz\r\r\rlast' >small
	hadoop_records small >want
	for b in 1 2 3 5; do
		read_all_splits -b "$b" small | cmp - want
	done
}

@test "-i and -r over megabytes with a missing final newline" {
	"$MR_TOOLS/gendata" text 3000000 | head -c 2999999 >text
	hadoop_records text >want
	read_all_splits -b 300K text | cmp - want
	read_all_splits -n 3 text | cmp - want
}

@test "-r drops a byte-order mark only at offset 0" {
	printf '\357\273\277a\nb\n' >bom
	[ "$(mr-split -r 0:100 bom)" = "a
b" ]
}

@test "-r on a pipe says it cannot seek" {
	run --separate-stderr bash -c 'printf "a\n" | mr-split -r 0:5 -'
	[ "$status" -eq 1 ]
	[ "$stderr" = "mr-split: -: Illegal seek" ]
}

@test "a write failure leaves no chunk and no temporary file" {
	"$MR_TOOLS/gendata" kv 100000 >kv
	mkdir out
	run --separate-stderr bash -c 'ulimit -f 200; mr-split -n 1 -p out/s- kv'
	[ "$status" -eq 1 ]
	[ "$stderr" = "mr-split: out/s-00000: write error: File too large" ]
	[ -z "$(ls -A out)" ]
	run --separate-stderr bash -c 'ulimit -f 200; cat kv | mr-split -n 2 -p out/s-'
	[ "$status" -eq 1 ]
	[[ $stderr = "mr-split: out/s-0000"[01]": write error: File too large" ]]
	[ -z "$(ls -A out)" ]
	run --separate-stderr bash -c 'ulimit -f 200; mr-split -l 1000000 -p out/s- kv'
	[ "$status" -eq 1 ]
	[ -z "$(ls -A out)" ]
	# Chunks copied by several threads that fail at once: one message.
	for i in 1 2 3 4 5 6 7 8 9 10; do
		run --separate-stderr bash -c 'ulimit -f 100; mr-split -n 4 -p out/s- kv'
		[ "$status" -eq 1 ]
		[[ ${#stderr_lines[@]} -eq 1 &&
		    $stderr = "mr-split: out/s-0000"[0-3]": write error: File too large" ]]
		[ -z "$(ls -A out)" ]
	done
}

@test "chunk paths to a full disk are a write error that stops at the chunk not listed" {
	seq 1 10 >in
	run --separate-stderr bash -c 'mr-split -n 2 in >/dev/full'
	[ "$status" -eq 1 ]
	[ "$stderr" = "mr-split: standard output: write error: No space left on device" ]
	# as mr-split(1) says: the first chunk, complete, and nothing after it
	seq 1 30000 >big
	run --separate-stderr bash -c 'mr-split -n 3 -p sp. big >/dev/full'
	[ "$status" -eq 1 ]
	[ "$(echo sp.*)" = sp.00000 ]
	cmp sp.00000 <(head -c "$(stat -c %s sp.00000)" big)
	[ "$(tail -c 1 sp.00000 | od -An -c | tr -d ' ')" = '\n' ]
	run --separate-stderr bash -c 'mr-split -r 0:100 in >/dev/full'
	[ "$status" -eq 1 ]
	[ "$stderr" = "mr-split: standard output: write error: No space left on device" ]
}

@test "-r into head -1 ends at once and quietly" {
	"$MR_TOOLS/gendata" kv 100000 >kv
	run --separate-stderr bash -c 'mr-split -r 0:100000000 kv | head -1; echo "status ${PIPESTATUS[0]}"'
	[ "${lines[1]}" = "status 0" ]
	[ -z "$stderr" ]
}

@test "a closed stdout stops the listing, not the chunks: every chunk is written" {
	run --separate-stderr bash -c 'seq 1000000 | mr-split -b 1M -p chunk. | head -1; echo "status ${PIPESTATUS[1]}"'
	[ "${lines[0]}" = chunk.00000 ]
	[ "${lines[1]}" = "status 0" ]
	[ -z "$stderr" ]
	[ "$(ls chunk.* | wc -l)" = 7 ]
	seq 1000000 | cmp - <(cat chunk.*)
	"$MR_TOOLS/gendata" kv 100000 >kv
	for cmd in "mr-split -l 10 kv" "mr-split -n 3 kv" "cat kv | mr-split -n 3"; do
		rm -f split-*
		run --separate-stderr bash -c "set -o pipefail; $cmd | head -c 0"
		[ "$status" = 0 ] && [ -z "$stderr" ]
		cat split-* | sort | cmp - <(sort kv)
	done
	[ -z "$(ls -A | grep '^\.')" ]
}

@test "errors: missing file, directory, bad options" {
	run --separate-stderr mr-split -n 2 nosuch
	[ "$status" -eq 1 ]
	[ "$stderr" = "mr-split: nosuch: No such file or directory" ]
	mkdir d
	run --separate-stderr mr-split -n 2 d
	[ "$status" -eq 1 ]
	[ "$stderr" = "mr-split: d: Is a directory" ]
	run --separate-stderr mr-split -n 2 -l 3
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "mr-split: -n and -l exclude each other" ]
	[ "${stderr_lines[1]}" = "usage: mr-split [-n N | -b SIZE | -l LINES] [-p PREFIX] [FILE...]" ]
	run --separate-stderr mr-split -r 5 f
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "mr-split: -r: '5' is not a split OFFSET:LENGTH" ]
	run --separate-stderr mr-split -i
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "mr-split: -i needs FILE operands" ]
	run --separate-stderr mr-split -b 0
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "mr-split: -b: '0' is not a size (such as 4096, 64K, 16M or 2G)" ]
	run --separate-stderr mr-split -i -l 5 x
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "mr-split: -i and -l exclude each other" ]
	run --separate-stderr mr-split --lines 5 --index x
	[ "${stderr_lines[0]}" = "mr-split: --index and --lines exclude each other" ]
	run --separate-stderr mr-split -r 0:10 --number 2 x
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "mr-split: -r and --number exclude each other" ]
	run --separate-stderr mr-split --read 0:10 -S x
	[ "${stderr_lines[0]}" = "mr-split: --read and -S exclude each other" ]
	run --separate-stderr mr-split -r 0:10 x y
	[ "${stderr_lines[0]}" = "mr-split: -r needs one FILE" ]
	run --separate-stderr mr-split --largest-first x
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "mr-split: --largest-first needs -i" ]
	run --separate-stderr mr-split --bogus
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "mr-split: --bogus: unknown option" ]
}

@test "--help and --version" {
	run mr-split --help
	[ "$status" -eq 0 ]
	[[ ${lines[0]} = "usage: mr-split [-n N"* ]]
	run mr-split --version
	[[ $output = "mr-split (mr-tools) "* ]]
}

@test "-n reads a file whose size says 0 but holds bytes (procfs) through" {
	[ -r /proc/sys/kernel/ostype ] || skip "no /proc/sys/kernel/ostype"
	mr-split -n 2 -p part. /proc/sys/kernel/ostype >list
	[ "$(cat part.*)" = "$(cat /proc/sys/kernel/ostype)" ]
}
