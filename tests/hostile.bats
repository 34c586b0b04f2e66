#!/usr/bin/env bats
# The hostile-input matrix: every program against the inputs and the
# conditions that break programs, table-driven as GNU datamash's tests
# are.  Each case ends in the right output with status 0, or a clear
# "mr-X: ..." message with status 1; never a crash (status >= 128), a
# hang (every run is bounded by timeout), a partial output file left
# behind, or status 0 with wrong output.  Each test runs its case against
# every program and names every program that fails it.
bats_require_minimum_version 1.5.0
load helper
shopt -s extglob

# ---- The programs ----
#
# prog NAME RUN RESULT STDOUT: RUN runs the program on the file $IN in a
# fresh directory; RESULT is the file it produced there ("file NAME") or a
# command printing what it produced as one stream; STDOUT is the run
# writing to standard output (for >/dev/full), "-" for a program whose
# output is only files.  A failed run may leave "out" and "paths" (made by
# the shell's redirection, not by the program) and mr-task's task
# directory "t" (its record of the failure); anything else it leaves is a
# partial output.  mr-job's and mr-partition's results are compared as
# sorted lines: their order is tested in their own files.
programs() {
	prog map_words 'mr-map -w "$IN" >out' 'file out' \
	    'mr-map -w "$IN"'
	prog map_cmd 'mr-map -P 2 -o -i "$IN" -- cat >out' 'file out' \
	    'mr-map -P 2 -o -i "$IN" -- cat'
	prog sort 'mr-sort "$IN" >out' 'file out' \
	    'mr-sort "$IN"'
	prog sort_o 'mr-sort -o sorted "$IN"' 'file sorted' \
	    -
	prog reduce 'mr-reduce count <"$IN" >out' 'file out' \
	    'mr-reduce count <"$IN"'
	prog split 'mr-split -l 2 -p chunk- "$IN" >paths' 'cat $(cat paths)' \
	    'mr-split -l 2 -p chunk- "$IN"'
	prog split_read 'mr-split -r "0:$(stat -c %s "$IN")" "$IN" >out' 'file out' \
	    'mr-split -r "0:$(stat -c %s "$IN")" "$IN"'
	prog partition 'mr-partition -n 3 -p part- "$IN"' 'cat part-* | sort' \
	    'mr-partition -n 3 --print "$IN"'
	prog tail 'mr-tail --once -n 1000000 "$IN" >out' 'file out' \
	    'mr-tail --once -n 1000000 "$IN"'
	prog task 'mkdir t && mr-task -d t -D mapreduce.job.reduces=0 -M "$IN" -o final -- cat' 'file final' \
	    'mkdir t && mr-task -d t -D mapreduce.job.reduces=0 -M "$IN" -- cat'
	prog job 'mr-job -input "$IN" -output job -mapper cat' 'cat job/part-* | sort' \
	    -
}

declare -gA RUN RESULT STDOUT
NAMES=()
prog() {
	NAMES+=("$1")
	RUN[$1]=$2
	RESULT[$1]=$3
	STDOUT[$1]=$4
}
programs

# The program that NAME runs, for messages.
progname() {
	case $1 in
	map_*) echo mr-map ;;
	split*) echo mr-split ;;
	sort*) echo mr-sort ;;
	*) echo "mr-$1" ;;
	esac
}

# What program NAME calls its input in messages: mr-reduce reads stdin.
input_name() {
	if [ "$1" = reduce ]; then echo -; else echo "$IN"; fi
}

FAILED=()
# fail_case NAME WHAT: program NAME failed the case.
fail_case() {
	FAILED+=("$1: $2")
}

# The runs of a case go two at a time in the background (on two cores the
# case takes half as long) and are checked, in order, by report: the test
# fails when a program failed the case, and names each that did.
CHECKS=()
report() {
	local c
	wait || :
	for c in "${CHECKS[@]}"; do
		eval "$c"
	done
	CHECKS=()
	if ((${#FAILED[@]})); then
		printf '%s\n' "${FAILED[@]}" >&2
		return 1
	fi
}

# launch PREFIX CMD: start CMD (after PREFIX, such as a ulimit) in a
# fresh directory $RES, bounded in time; its stderr goes to $RES.err, its
# exit status to $RES.status.  (Few processes per run: on virtual
# machines each costs some 10 ms.)
RUNS=0
launch() {
	RES=$PWD/res$((++RUNS))
	export IN RES
	while (($(jobs -rp | wc -l) >= 2)); do
		wait -n || :
	done
	(
		status=0
		timeout -k 5 60 bash -c "mkdir \"\$RES\" && cd \"\$RES\" || exit 99; $1$2" \
		    </dev/null 2>"$RES.err" || status=$?
		echo "$status" >"$RES.status"
	) &
}

# excerpt FILE: the start of FILE, bytes made visible.
excerpt() {
	head -c 200 "$1" | od -An -c | tr -s ' \n' ' '
}

# The big case: a 64 MiB line, $BIGIN starting with it.
BIG=$((64 << 20))
BIGIN=$BATS_FILE_TMPDIR/big

# holds FILE FORMAT: whether FILE holds exactly the bytes of printf
# FORMAT, each @X@ in it the run of BIG 'x' that starts $BIGIN (compared
# in place: no copy of it is made).
holds() {
	local got=$1 rest=$2 off=0 piece
	while :; do
		printf -v piece "${rest%%@X@*}"
		printf '%s' "$piece" >piece
		cmp -s -i "$off:0" -n "${#piece}" "$got" piece || return 1
		off=$((off + ${#piece}))
		[[ $rest == *@X@* ]] || break
		cmp -s -i "$off:0" -n "$BIG" "$got" "$BIGIN" || return 1
		off=$((off + BIG))
		rest=${rest#*@X@}
	done
	[ "$(stat -c %s "$got")" = "$off" ]
}

# expect_ok NAME PREFIX FORMAT: program NAME's run ends with status 0,
# writes nothing on stderr (mr-job writes its report there) and produces
# the bytes of FORMAT (@X@ in it: see holds).
expect_ok() {
	launch "$2" "${RUN[$1]}"
	CHECKS+=("check_ok $(printf '%q ' "$1" "$RES" "$3")")
}

check_ok() {
	local name=$1 res=$2 got status
	status=$(<"$res.status")
	if ((status != 0)); then
		fail_case "$name" "status $status: $(excerpt "$res.err")"
		return
	fi
	if [ "$name" != job ] && [ -s "$res.err" ]; then
		fail_case "$name" "stderr: $(excerpt "$res.err")"
	fi
	if [[ ${RESULT[$name]} == file\ * ]]; then
		got=$res/${RESULT[$name]#file }
	else
		got=$res.result
		(cd "$res" && bash -c "${RESULT[$name]}") </dev/null >"$got"
	fi
	if [[ $3 == *@X@* ]]; then
		holds "$got" "$3"
	else
		printf "$3" >want
		cmp -s "$got" want
	fi || fail_case "$name" "wrong output: $(excerpt "$got")"
}

# expect_error NAME PREFIX CMD PATTERN [KEEP]: CMD (after PREFIX) of
# program NAME ends with status 1 and stderr matching the glob PATTERN
# (extglob), and leaves no output file behind but KEEP, which must then
# hold all of $IN.
expect_error() {
	launch "$2" "$3"
	CHECKS+=("check_error $(printf '%q ' "$1" "$RES" "$4" "${5:-out}" "$IN")")
}

check_error() {
	local name=$1 res=$2 f left= status
	status=$(<"$res.status")
	if ((status != 1)); then
		fail_case "$name" "status $status, not 1: $(excerpt "$res.err")"
		return
	fi
	# shellcheck disable=SC2053
	if [[ $(<"$res.err") != $3 ]]; then
		fail_case "$name" "stderr '$(head -c 300 "$res.err")' is not '$3'"
	fi
	for f in "$res"/* "$res"/.*; do
		f=${f##*/}
		case $f in
		.|..|'*'|'.*'|out|paths|t) ;;
		"$4") cmp -s "$res/$f" "$5" || left+=" $f (partial)" ;;
		*) left+=" $f" ;;
		esac
	done
	[ -z "$left" ] || fail_case "$name" "left behind:$left"
}

# rows PREFIX: each line "NAME FORMAT" of stdin is an expect_ok of
# program NAME on $IN with output FORMAT; every program has a row.
rows() {
	local name fmt seen=()
	while read -r name fmt; do
		[ -n "$name" ] || continue
		seen+=("$name")
		fmt=${fmt#\'}
		expect_ok "$name" "$1" "${fmt%\'}"
	done
	[ "${seen[*]}" = "${NAMES[*]}" ] || fail_case table "rows for ${seen[*]}, not ${NAMES[*]}"
}

# input FORMAT: $IN, a file holding the bytes of printf FORMAT.
input() {
	IN=$PWD/in
	printf "$1" >"$IN"
}

# ---- Bytes that are data ----
#
# The inputs are sorted by key in descending order, as mr-reduce needs
# (ascending or descending), so that sorting them changes their order.

@test "NUL bytes are ordinary bytes in every program" {
	input 'b\0\tx\nb\0\ty\na\0\t1\n\0\t2\n\0\n'
	rows <<'EOF'
map_words  'b\0\t1\nx\t1\nb\0\t1\ny\t1\na\0\t1\n1\t1\n\0\t1\n2\t1\n\0\t1\n'
map_cmd    'b\0\tx\nb\0\ty\na\0\t1\n\0\t2\n\0\n'
sort       '\0\t2\n\0\na\0\t1\nb\0\tx\nb\0\ty\n'
sort_o     '\0\t2\n\0\na\0\t1\nb\0\tx\nb\0\ty\n'
reduce     'b\0\t2\na\0\t1\n\0\t2\n'
split      'b\0\tx\nb\0\ty\na\0\t1\n\0\t2\n\0\n'
split_read 'b\0\tx\nb\0\ty\na\0\t1\n\0\t2\n\0\n'
partition  '\0\n\0\t2\na\0\t1\nb\0\tx\nb\0\ty\n'
tail       'b\0\tx\nb\0\ty\na\0\t1\n\0\t2\n\0\n'
task       'b\0\tx\nb\0\ty\na\0\t1\n\0\t2\n\0\t\n'
job        '\0\t\n\0\t2\na\0\t1\nb\0\tx\nb\0\ty\n'
EOF
	report
}

@test "0xFF and other bytes above 0x7F are ordinary bytes and sort as unsigned" {
	input '\377\376\tv\n\377\376\tw\n\377\t1\n\377\n\200a\t\377\n'
	rows <<'EOF'
map_words  '\377\376\t1\nv\t1\n\377\376\t1\nw\t1\n\377\t1\n1\t1\n\377\t1\n\200a\t1\n\377\t1\n'
map_cmd    '\377\376\tv\n\377\376\tw\n\377\t1\n\377\n\200a\t\377\n'
sort       '\200a\t\377\n\377\t1\n\377\n\377\376\tv\n\377\376\tw\n'
sort_o     '\200a\t\377\n\377\t1\n\377\n\377\376\tv\n\377\376\tw\n'
reduce     '\377\376\t2\n\377\t2\n\200a\t1\n'
split      '\377\376\tv\n\377\376\tw\n\377\t1\n\377\n\200a\t\377\n'
split_read '\377\376\tv\n\377\376\tw\n\377\t1\n\377\n\200a\t\377\n'
partition  '\200a\t\377\n\377\n\377\t1\n\377\376\tv\n\377\376\tw\n'
tail       '\377\376\tv\n\377\376\tw\n\377\t1\n\377\n\200a\t\377\n'
task       '\377\376\tv\n\377\376\tw\n\377\t1\n\377\t\n\200a\t\377\n'
job        '\200a\t\377\n\377\t\n\377\t1\n\377\376\tv\n\377\376\tw\n'
EOF
	report
}

# mr-tools' record reader ends a line at '\n' and "\r\n" only (as sort,
# awk and datamash do), so a CR-only file is one record, its last '\r'
# dropped as before a newline; the Hadoop side (mr-split -r, mr-task,
# mr-job) ends a line at a lone '\r' too, as LineRecordReader does.
# mr-split's chunks are the input's bytes; mr-tail holds an unterminated
# last line until its newline comes.
@test "a CR-only file is one record to mr-tools' reader and three lines to Hadoop's" {
	input 'a\rb\rc\r'
	rows <<'EOF'
map_words  'a\t1\nb\t1\nc\t1\n'
map_cmd    'a\rb\rc\n'
sort       'a\rb\rc\n'
sort_o     'a\rb\rc\n'
reduce     'a\rb\rc\t1\n'
split      'a\rb\rc\r'
split_read 'a\nb\nc\n'
partition  'a\rb\rc\n'
tail       ''
task       'a\t\nb\t\nc\t\n'
job        'a\t\nb\t\nc\t\n'
EOF
	report
}

@test "empty input is empty output with status 0 in every program" {
	input ''
	rows <<'EOF'
map_words  ''
map_cmd    ''
sort       ''
sort_o     ''
reduce     ''
split      ''
split_read ''
partition  ''
tail       ''
task       ''
job        ''
EOF
	report
}

# A file of /proc says its size is 0, and has a line: read to its end,
# not to the size (mr-task and mr-job, like Hadoop, plan one split of 0
# bytes, which reads the line starting at offset 0).
@test "a file of /proc, of size 0 with a line in it, is read to its end" {
	IN=/proc/version
	[ -r "$IN" ] && [ "$(stat -c %s "$IN")" = 0 ] || skip "no /proc/version of size 0"
	local fmt words
	# The line as a printf format, and its words as mr-map -w writes them.
	fmt=$(head -n 1 "$IN" | sed 's/[%\\]/&&/g')
	words=$(printf '%s\n' "$fmt" | tr -s ' ' '\n' | sed 's/$/\\t1\\n/' | tr -d '\n')
	rows <<EOF
map_words  '$words'
map_cmd    '$fmt\n'
sort       '$fmt\n'
sort_o     '$fmt\n'
reduce     '$fmt\t1\n'
split      '$fmt\n'
split_read '$fmt\n'
partition  '$fmt\n'
tail       '$fmt\n'
task       '$fmt\t\n'
job        '$fmt\t\n'
EOF
	report
}

# The big line is a key: it sorts last, after "b" and "a".
big_input() {
	IN=$BIGIN
	[ -s "$IN" ] && return
	{
		head -c "$BIG" /dev/zero | tr '\0' x
		printf '\t2\nb\t1\na\t3\n'
	} >"$IN"
}

@test "a 64 MiB line passes whole through every program" {
	big_input
	rows <<'EOF'
map_words  '@X@\t1\n2\t1\nb\t1\n1\t1\na\t1\n3\t1\n'
map_cmd    '@X@\t2\nb\t1\na\t3\n'
sort       'a\t3\nb\t1\n@X@\t2\n'
sort_o     'a\t3\nb\t1\n@X@\t2\n'
reduce     '@X@\t1\nb\t1\na\t1\n'
split      '@X@\t2\nb\t1\na\t3\n'
split_read '@X@\t2\nb\t1\na\t3\n'
partition  'a\t3\nb\t1\n@X@\t2\n'
tail       '@X@\t2\nb\t1\na\t3\n'
task       '@X@\t2\nb\t1\na\t3\n'
job        'a\t3\nb\t1\n@X@\t2\n'
EOF
	report
}

# ---- Inputs that cannot be read ----

# A directory is an error, except to mr-job: Hadoop reads the files of an
# input directory.
@test "a directory as input is an error naming it (mr-job reads the files in it)" {
	IN=$PWD/d
	mkdir d
	printf 'k\tv\n' >d/f
	local name
	for name in "${NAMES[@]}"; do
		if [ "$name" = job ]; then
			expect_ok job "" 'k\tv\n'
		else
			expect_error "$name" "" "${RUN[$name]}" \
			    "$(progname "$name"): $(input_name "$name"): Is a directory"
		fi
	done
	report
}

@test "a file of mode 000 is an error naming it" {
	IN=$PWD/secret
	printf 'k\tv\n' >secret
	chmod 000 secret
	[ ! -r secret ] || skip "running as root, which reads a file of mode 000 (see the read error case)"
	local name
	for name in "${NAMES[@]}"; do
		case $name in
		reduce)	# the shell opens stdin: mr-reduce never runs
			continue ;;
		job)	expect_error job "" "${RUN[job]}" "mr-job: *$IN*Permission denied*" ;;
		*)	expect_error "$name" "" "${RUN[$name]}" \
			    "$(progname "$name"): $IN: Permission denied" ;;
		esac
	done
	report
}

# /proc/self/mem fails to read at offset 0 (nothing is mapped there), for
# root too; standard input open for writing only fails to read as well.
@test "a read error is an error naming the input, for root too" {
	IN=/proc/self/mem
	[ -r "$IN" ] || skip "no readable /proc/self/mem"
	local name
	for name in "${NAMES[@]}"; do
		case $name in
		reduce)
			IN=$PWD/in
			: >in
			expect_error reduce "" 'mr-reduce count 0>>"$IN" >out' \
			    "mr-reduce: -: Bad file descriptor"
			IN=/proc/self/mem ;;
		job)
			expect_error job "" "${RUN[job]}" \
			    "mr-job: task *: split failed: exit status 1*mr-task: $IN: Input/output error*" ;;
		*)
			expect_error "$name" "" "${RUN[$name]}" \
			    "$(progname "$name"): $IN: Input/output error" ;;
		esac
	done
	report
}

# ---- Outputs that cannot be written ----

@test "standard output on a full device is a write error with status 1" {
	[ -w /dev/full ] || skip "no /dev/full"
	input 'b\tx\na\ty\n'
	local name
	for name in "${NAMES[@]}"; do
		[ "${STDOUT[$name]}" != - ] || continue
		# mr-split prints a chunk's path once the chunk is complete
		# under its name: that chunk stays, whole.
		expect_error "$name" "" "${STDOUT[$name]} >/dev/full" \
		    "$(progname "$name"): standard output: write error: No space left on device" \
		    chunk-00000
	done
	report
}

# What each program names in the message when the file size limit stops
# it: the file it was writing.
declare -gA FSIZE_FILE=([sort_o]=sorted [split]=chunk-00000 [partition]=part-0000?
    [task]=final)

@test "a file size limit (ulimit -f) hit mid-output is a write error, and no partial file is left" {
	# 40000 keys, 1 MB: more than the 100 KiB allowed in every output.
	seq 10000 49999 | sed 's/$/\tvalue/' >in
	IN=$PWD/in
	local name file
	for name in "${NAMES[@]}"; do
		file=${FSIZE_FILE[$name]:-standard output}
		case $name in
		split)
			expect_error split "ulimit -f 100; " 'mr-split -l 40000 -p chunk- "$IN" >paths' \
			    "mr-split: chunk-00000: write error: File too large" ;;
		reduce)	# its threads' buffers are memory files, also limited
			expect_error reduce "ulimit -f 100; " "${RUN[reduce]}" \
			    "mr-reduce: *: write error: File too large" ;;
		job)
			expect_error job "ulimit -f 100; " "${RUN[job]}" \
			    "mr-job: *task *: *exit status 1*File too large*" ;;
		*)
			expect_error "$name" "ulimit -f 100; " "${RUN[$name]}" \
			    "$(progname "$name"): $file: write error: File too large" ;;
		esac
	done
	report
}

# A memory limit that leaves room to start but not for the 64 MiB line:
# an error naming what could not be had (a buffer, or on a machine of many
# CPUs a thread's stack), or, for a program that streams a long line
# (mr-split -l copies bytes), the right output.
@test "a memory limit (ulimit -v) too small for a 64 MiB line is an out-of-memory error" {
	big_input
	local limit="ulimit -v 16000; " name
	bash -c "$limit"' mr-sort --version' >/dev/null 2>&1 ||
	    skip "the programs cannot start under ulimit -v 16000 (a sanitizer build)"
	for name in "${NAMES[@]}"; do
		case $name in
		split)
			expect_ok split "$limit" '@X@\t2\nb\t1\na\t3\n' ;;
		job)
			expect_error job "$limit" "${RUN[job]}" \
			    "mr-job: *task *: *@(out of memory|annot allocate|pthread_create)*" ;;
		*)
			expect_error "$name" "$limit" "${RUN[$name]}" \
			    "$(progname "$name"): *@(out of memory|annot allocate|pthread_create)*" ;;
		esac
	done
	report
}
