#!/usr/bin/env bats
# mr-partition: Hadoop HashPartitioner placement, part files, --exec, total order.
bats_require_minimum_version 1.5.0
load helper

# The reference: Text.hashCode and HashPartitioner in awk, over the first K
# fields split at SEP.  Writes expect.N files (input order kept).
awk_partition() {	# R K SEP FILE
	mawk -v R="$1" -v K="$2" -v SEP="$3" '
	BEGIN { for (i = 1; i < 256; i++) ord[sprintf("%c", i)] = i }
	{
		key = $0; rest = $0; pos = 0
		for (k = 0; k < K; k++) {
			i = index(rest, SEP)
			if (i == 0) { pos = -1; break }
			pos += i; rest = substr(rest, i + 1)
		}
		if (pos > 0) key = substr($0, 1, pos - 1)
		h = 1
		for (i = 1; i <= length(key); i++) {
			b = ord[substr(key, i, 1)]
			if (b >= 128) b -= 256
			h = (h * 31 + b) % 4294967296
			if (h < 0) h += 4294967296
		}
		p = (h % 2147483648) % R
		print > ("expect." p)
	}' "$4"
}

@test "placement matches the Hadoop test vectors for 2, 3 and 10 reducers" {
	printf '\na\nthe\nhello\n\303\251\napple\nbanana\n' >keys
	run mr-partition -n 2 --print keys
	[ "$output" = "1$TAB
0${TAB}a
0${TAB}the
1${TAB}hello
1${TAB}é
1${TAB}apple
0${TAB}banana" ]
	run mr-partition -n 3 --print keys
	[ "$(cut -f1 <<<"$output" | tr -d '\n')" = 1212202 ]
	run mr-partition -n 10 --print keys
	[ "$(cut -f1 <<<"$output" | tr -d '\n')" = 1823112 ]
}

@test "the key is the bytes before the separator, not the whole record" {
	printf 'the\tx\nthe\ty\nhello\tz\n' >in
	run mr-partition -n 10 --print in
	[ "$output" = "2${TAB}the${TAB}x
2${TAB}the${TAB}y
3${TAB}hello${TAB}z" ]
}

@test "part files match an awk HashPartitioner on random keys, order kept" {
	"$MR_TOOLS/gendata" kv 20000 3000 >kv
	"$MR_TOOLS/gendata" text 60000 | tr ' ' '\t' >text
	for R in 1 3 8 17; do
		rm -f part-* expect.*
		mr-partition -n "$R" kv text
		cat kv text >all
		awk_partition "$R" 1 "$TAB" all
		for ((p = 0; p < R; p++)); do
			f=$(printf 'part-%05d' "$p")
			touch "expect.$p"
			cmp "$f" "expect.$p"
		done
		[ "$(ls part-* | wc -l)" -eq "$R" ]
	done
}

@test "-k and -t choose the key fields like Hadoop's key field count" {
	"$MR_TOOLS/gendata" text 40000 >text
	mr-partition -n 7 -k 2 -t ' ' -p out. text
	awk_partition 7 2 ' ' text
	for p in 0 1 2 3 4 5 6; do
		touch "expect.$p"
		cmp "out.0000$p" "expect.$p"
	done
}

@test "--print and part files agree record for record" {
	"$MR_TOOLS/gendata" zipf 5000 >z
	mr-partition -n 4 z
	mr-partition -n 4 --print z >printed
	for p in 0 1 2 3; do
		mawk -F '\t' -v p=$p '$1 == p' printed | cut -f2- | cmp - "part-0000$p"
	done
}

@test "CRLF records are partitioned by their key without the CR" {
	printf 'hello\r\nthe\tv\r\n' >in
	run mr-partition -n 10 --print in
	[ "$output" = "3${TAB}hello
2${TAB}the${TAB}v" ]
}

@test "empty partitions still get an empty part file" {
	printf 'a\n' >in
	mr-partition -n 5 -p dir- in
	[ "$(ls dir-*)" = "dir-00000
dir-00001
dir-00002
dir-00003
dir-00004" ]
	[ "$(cat dir-00003)" = a ]
	[ ! -s dir-00000 ]
}

@test "stdin is read when no file is given, and the prefix may name a directory" {
	mkdir out
	printf 'a\nb\n' | mr-partition -n 2 -p out/p-
	[ "$(cat out/p-00000)" = a ]
	[ "$(cat out/p-00001)" = b ]
	[ -z "$(ls -A out | grep -v '^p-0000[01]$')" ]
}

@test "--exec starts one command per partition with its number in the environment" {
	printf 'a\nthe\nbanana\nhello\n' >in
	mr-partition -n 3 --exec 'echo "$MR_PARTITION $mapreduce_task_partition $(wc -l)" >out.$MR_PARTITION' in
	[ "$(cat out.0)" = "0 0 0" ]
	[ "$(cat out.1)" = "1 1 1" ]
	[ "$(cat out.2)" = "2 2 3" ]
	[ ! -e part-00000 ]
}

@test "--exec feeds each command its whole partition in order" {
	"$MR_TOOLS/gendata" kv 30000 >kv
	mr-partition -n 4 kv
	mr-partition -n 4 --exec 'cat >got.$MR_PARTITION' kv
	for p in 0 1 2 3; do cmp "got.$p" "part-0000$p"; done
}

@test "a failing command fails the run, naming its partition and status" {
	"$MR_TOOLS/gendata" kv 2000 >kv
	run --separate-stderr mr-partition -n 3 --exec 'cat >/dev/null; [ "$MR_PARTITION" != 1 ] || exit 3' kv
	[ "$status" -eq 1 ]
	[ "$stderr" = "mr-partition: cat >/dev/null; [ \"\$MR_PARTITION\" != 1 ] || exit 3: partition 1: exit status 3" ]
}

@test "a command killed by a signal is reported with the signal" {
	run --separate-stderr mr-partition -n 2 --exec '[ "$MR_PARTITION" != 0 ] || kill -9 $$; cat >/dev/null' /dev/null
	[ "$status" -eq 1 ]
	[ "$stderr" = "mr-partition: [ \"\$MR_PARTITION\" != 0 ] || kill -9 \$\$; cat >/dev/null: partition 0: killed by signal 9 (SIGKILL)" ]
}

@test "a command that exits early without error does not fail the run" {
	"$MR_TOOLS/gendata" kv 200000 >kv
	run --separate-stderr mr-partition -n 2 --exec 'head -c 1 >/dev/null' kv
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
}

@test "--sample and --range give partitions that sort into one sorted whole" {
	"$MR_TOOLS/gendata" kv 40000 >kv
	mr-partition -n 5 --sample 4000 kv >points
	[ "$(wc -l <points)" -eq 4 ]
	LC_ALL=C sort -c points
	mr-partition -n 5 --range points kv
	for p in 0 1 2 3 4; do
		LC_ALL=C sort -t "$TAB" -k1,1 -s "part-0000$p"
	done >joined
	LC_ALL=C sort -t "$TAB" -k1,1 -s kv | cmp - joined
	# Every key of partition p lies between points p-1 (inclusive) and p.
	for p in 1 2 3; do
		lo=$(sed -n "${p}p" points)
		[ "$(cut -f1 "part-0000$p" | LC_ALL=C sort | head -1)" \> "$lo" ] ||
		    [ "$(cut -f1 "part-0000$p" | LC_ALL=C sort | head -1)" = "$lo" ]
	done
}

@test "--range partitions are balanced within 1.5x on uniform keys" {
	"$MR_TOOLS/gendata" kv 50000 >kv
	mr-partition -n 8 --sample 5000 kv >points
	mr-partition -n 8 --range points kv
	wc -l part-0000? | mawk '$2 != "total" { n[NR] = $1 }
	    END { min = max = n[1]; for (i in n) { if (n[i] < min) min = n[i]; if (n[i] > max) max = n[i] }
	          printf "min %d max %d\n", min, max; exit !(max <= 1.5 * min) }'
}

@test "a key equal to a split point goes to the partition after it" {
	printf 'm\n' >points
	printf 'a\nm\nz\nl\tx\nm\ty\n' >in
	run mr-partition -n 2 --range points --print in
	[ "$output" = "0${TAB}a
1${TAB}m
1${TAB}z
0${TAB}l${TAB}x
1${TAB}m${TAB}y" ]
}

@test "--sample keeps split points distinct when the keys allow" {
	{ for i in $(seq 1 90); do echo a; done; echo b; echo c; echo d; } >in
	run mr-partition -n 3 --sample 1000 in
	[ "$output" = "a
b" ]
}

@test "--range rejects a wrong number of split points and disorder" {
	printf 'a\nb\n' >two
	run --separate-stderr mr-partition -n 2 --range two /dev/null
	[ "$status" -eq 1 ]
	[ "$stderr" = "mr-partition: two: 2 split points for 2 partitions (need 1)" ]
	printf 'b\na\n' >bad
	run --separate-stderr mr-partition -n 3 --range bad /dev/null
	[ "$status" -eq 1 ]
	[ "$stderr" = "mr-partition: bad:2: split points out of order" ]
}

@test "--sample of no input is an error" {
	run --separate-stderr mr-partition -n 2 --sample 10 /dev/null
	[ "$status" -eq 1 ]
	[ "$stderr" = "mr-partition: no keys to sample" ]
}

@test "a write failure leaves no part file and no temporary file" {
	"$MR_TOOLS/gendata" kv 100000 >kv
	mkdir out
	run --separate-stderr bash -c 'ulimit -f 200; mr-partition -n 1 -p out/part- kv'
	[ "$status" -eq 1 ]
	[ "$stderr" = "mr-partition: out/part-00000: write error: File too large" ]
	[ -z "$(ls -A out)" ]
	run --separate-stderr bash -c 'ulimit -f 200; mr-partition -n 3 -p out/part- kv'
	[ "$status" -eq 1 ]
	[[ $stderr = "mr-partition: out/part-0000"[012]": write error: File too large" ]]
	[ -z "$(ls -A out)" ]
}

@test "a killed run leaves no part file and no temporary file" {
	mkdir out
	mkfifo fifo
	mr-partition -n 2 -p out/part- fifo &
	pid=$!
	exec 8>fifo
	printf 'a\nb\n' >&8
	wait_for test -n "$(ls -A out)"
	kill -TERM "$pid"
	wait "$pid" || true
	exec 8>&-
	[ -z "$(ls -A out)" ]
}

@test "an uncreatable part file is a clear error" {
	run --separate-stderr mr-partition -n 2 -p nodir/part- /dev/null
	[ "$status" -eq 1 ]
	[ "$stderr" = "mr-partition: nodir/part-00000: No such file or directory" ]
}

@test "--print to a full disk is a write error" {
	printf 'a\n' >in
	run --separate-stderr bash -c 'mr-partition -n 2 --print in >/dev/full'
	[ "$status" -eq 1 ]
	[ "$stderr" = "mr-partition: standard output: write error: No space left on device" ]
}

@test "--print into head -1 ends at once and quietly" {
	"$MR_TOOLS/gendata" kv 200000 >kv
	run --separate-stderr bash -c 'mr-partition -n 4 --print kv | head -1; echo "status ${PIPESTATUS[0]}"'
	[ "${lines[1]}" = "status 0" ]
	[ -z "$stderr" ]
}

@test "--exec commands writing to a closed stdout end quietly: SIGPIPE of a closed pipe is no failure" {
	"$MR_TOOLS/gendata" kv 200000 >kv
	run into_closed_pipe mr-partition -n 2 --exec cat kv
	[ "$output" = "status 0" ]
	# Killed by the signal, or a shell's status 141: the same.
	run into_closed_pipe mr-partition -n 2 --exec 'cat; true' kv
	[ "$output" = "status 0" ]
	run --separate-stderr bash -c 'mr-partition -n 2 --exec cat kv | head -1; echo "status ${PIPESTATUS[0]}"'
	[ "${lines[1]}" = "status 0" ]
	[ -z "$stderr" ]
}

@test "--exec: a command's own SIGPIPE, with our stdout still read, is a failure" {
	"$MR_TOOLS/gendata" kv 20000 >kv
	run --separate-stderr mr-partition -n 2 --exec 'yes | head -c 1 >/dev/null; kill -PIPE $$' kv
	[ "$status" -eq 1 ]
	[ "${stderr_lines[0]}" = "mr-partition: yes | head -c 1 >/dev/null; kill -PIPE \$\$: partition 0: killed by signal 13 (SIGPIPE)" ]
}

@test "a missing input file is reported by name" {
	run --separate-stderr mr-partition -n 2 --print nosuch
	[ "$status" -eq 1 ]
	[ "$stderr" = "mr-partition: nosuch: No such file or directory" ]
}

@test "usage errors exit 2 with the usage line" {
	run --separate-stderr mr-partition
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "mr-partition: missing -n N" ]
	[ "${stderr_lines[1]}" = "usage: mr-partition -n N [-k K] [-t SEP] [-K POS1[,POS2]]... [-F SEP]" ]
	run --separate-stderr mr-partition -n 0
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "mr-partition: -n: '0' is not a number from 1 to 1000000" ]
	run --separate-stderr mr-partition -n 2 --print --exec cat
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "mr-partition: --print and --exec exclude each other" ]
	run --separate-stderr mr-partition -n 2 -P -e cat
	[ "${stderr_lines[0]}" = "mr-partition: -P and -e exclude each other" ]
	run --separate-stderr mr-partition -n 2 --sample 5 --range x
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "mr-partition: --range and --sample exclude each other" ]
	run --separate-stderr mr-partition -n 2 --sample 5 --print
	[ "${stderr_lines[0]}" = "mr-partition: --sample and --print exclude each other" ]
	run --separate-stderr mr-partition -n 2 -s 5 -e cat
	[ "${stderr_lines[0]}" = "mr-partition: -s and -e exclude each other" ]
	run --separate-stderr mr-partition -n 2 --key 1 --range x
	[ "${stderr_lines[0]}" = "mr-partition: --key and --range exclude each other" ]
	run --separate-stderr mr-partition -n 2 -k 0
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "mr-partition: -k: '0' is not a key field count (the key is the first K fields)" ]
	run --separate-stderr mr-partition --bogus
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "mr-partition: --bogus: unknown option" ]
	[ "${#stderr_lines[@]}" = 4 ]
	run --separate-stderr mr-partition -n 2 -K 3,x
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "mr-partition: -K: '3,x' is not a key specification ('x' is not a number)" ]
	run --separate-stderr mr-partition -n 2 --key 1.0
	[ "${stderr_lines[0]}" = "mr-partition: --key: '1.0' is not a key specification (0 must be 1 or more)" ]
	run --separate-stderr mr-partition -n 2 -K 1 -F ''
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "mr-partition: -F: '' is not a key field separator (1 to 15 bytes, or \\t)" ]
}

@test "--help and --version" {
	run mr-partition --help
	[ "$status" -eq 0 ]
	[[ ${lines[0]} = "usage: mr-partition -n N"* ]]
	run mr-partition --version
	[ "$status" -eq 0 ]
	[[ $output = "mr-partition (mr-tools) "* ]]
}
