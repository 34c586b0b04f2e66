#!/usr/bin/env bats
# The build promises: every program has a man page that lints clean, and
# "make install" puts programs, user scripts and man pages where they belong.
bats_require_minimum_version 1.5.0
load helper

programs() {
	local f
	for f in "$MR_ROOT"/cmd/mr-*.c "$MR_ROOT"/cmd/mr-*/; do
		[[ -e $f ]] && basename "$f" .c
	done
	for f in "$MR_ROOT"/scripts/mr-*; do
		[[ -e $f && $f != *.c && $f != *.sh ]] && basename "$f"
	done
}

@test "every program and user script has a man page that mandoc lints clean" {
	need_tool mandoc
	local p
	for p in $(programs); do
		[[ -f $MR_ROOT/man/$p.1 ]] || { echo "no man page for $p"; false; }
		run mandoc -Tlint -W warning "$MR_ROOT/man/$p.1"
		[[ $status -eq 0 && -z $output ]] || { echo "$p: $output"; false; }
	done
}

@test "make install honours DESTDIR and PREFIX, and uninstall removes it all" {
	local dest=$BATS_TEST_TMPDIR/root p
	make -s -C "$MR_ROOT" install DESTDIR="$dest" PREFIX=/usr >/dev/null
	for p in $(programs); do
		[[ -x $dest/usr/bin/$p ]] || { echo "$p not installed"; false; }
		[[ -f $dest/usr/share/man/man1/$p.1 ]] || { echo "$p.1 not installed"; false; }
	done
	make -s -C "$MR_ROOT" uninstall DESTDIR="$dest" PREFIX=/usr >/dev/null
	run find "$dest" -type f
	[[ -z $output ]]
}

@test "every program answers --help on stdout and --version, and rejects an unknown option with status 2" {
	local p
	for p in $(programs); do
		run --separate-stderr "$p" --help
		[[ $status -eq 0 && $output == *usage:* ]] || { echo "$p --help: $status $output"; false; }
		run --separate-stderr "$p" --version
		[[ $status -eq 0 && $output == *"(mr-tools)"* ]] || { echo "$p --version: $status $output"; false; }
		run --separate-stderr "$p" --no-such-option
		[[ $status -eq 2 && $stderr == *usage:* ]] || { echo "$p bad option: $status $stderr"; false; }
		# One message, then the usage.
		[[ ${stderr_lines[0]} == "$p: --no-such-option: unknown option" &&
		    ${stderr_lines[1]} == "usage: $p "* ]] || { echo "$p bad option: $stderr"; false; }
		# The scripts speak as getopt_long does in the C programs.
		run --separate-stderr "$p" --no-such-option=1
		[[ $status -eq 2 && ${stderr_lines[0]} == "$p: --no-such-option: unknown option" ]] ||
		    { echo "$p --no-such-option=1: $status $stderr"; false; }
		run --separate-stderr "$p" --help=1
		[[ $status -eq 2 && ${stderr_lines[0]} == "$p: --help: takes no argument" ]] ||
		    { echo "$p --help=1: $status $stderr"; false; }
		run --separate-stderr "$p" --he
		[[ $status -eq 0 && $output == "usage: $p "* ]] || { echo "$p --he: $status $stderr"; false; }
		run --separate-stderr "$p" --vers
		[[ $status -eq 0 && $output == "$p (mr-tools) "* ]] || { echo "$p --vers: $status $stderr"; false; }
		run --separate-stderr "$p" --hadoop
		[[ $status -eq 2 ]] || { echo "$p --hadoop: an option not in --help"; false; }
	done
}

@test "--help and --version into a full device are a write error with status 1" {
	local p opt
	for p in $(programs); do
		for opt in --help --version; do
			run --separate-stderr bash -c "$p $opt >/dev/full"
			[[ $status -eq 1 && $stderr == "$p: "*"write error"* ]] ||
			    { echo "$p $opt >/dev/full: $status $stderr"; false; }
		done
	done
}

@test "--help and --version into a closed pipe end quietly with status 0" {
	local p opt
	for p in $(programs); do
		for opt in --help --version; do
			run into_closed_pipe "$p" "$opt"
			[[ $output == "status 0" ]] || { echo "$p $opt | (closed): $output"; false; }
		done
	done
}

@test "the usage has as many forms as the man page's SYNOPSIS" {
	local p forms synopsis
	for p in $(programs); do
		forms=$("$p" --help | sed '/^$/q' | sed 's/^usage: //' | grep -c "^ *$p ")
		synopsis=$(sed -n '/^\.Sh SYNOPSIS/,/^\.Sh DESCRIPTION/p' "$MR_ROOT/man/$p.1" | grep -c '^\.Nm')
		((forms == synopsis)) || { echo "$p: $forms forms in --help, $synopsis in the SYNOPSIS"; false; }
	done
}

@test "what --help says of -t and -S is what the man page says" {
	local p extra
	for p in mr-sort mr-partition mr-reduce; do
		extra=()
		[[ $p == mr-partition ]] && extra=(-n 1 --print)
		[[ $p == mr-reduce ]] && extra=(count)
		printf 'a\0001\n' | "$p" -t '\0' "${extra[@]}" >/dev/null
		"$p" --help | grep -- '-t, --separator' | grep -qF '\0' || { echo "$p --help: no \\0"; false; }
		sed -n '/^\.It Fl t Ar SEP/,/^\.It/p' "$MR_ROOT/man/$p.1" | grep -qF '\e0' ||
		    { echo "$p.1: no \\e0"; false; }
	done
	mr-sort --help | grep -- '--buffer-size' | grep -q 4G
}

@test "a directory where a file belongs is 'Is a directory' in every program" {
	local cmd want
	mkdir adir
	printf 'x\n' >f
	while IFS='|' read -r cmd want; do
		run --separate-stderr $cmd </dev/null
		[[ $status -eq 1 && $stderr == "$want" ]] || { echo "$cmd: $status: $stderr"; false; }
	done <<-END
	mr-split -i adir|mr-split: adir: Is a directory
	mr-split adir|mr-split: adir: Is a directory
	mr-tail -s adir --once f|mr-tail: adir: Is a directory
	mr-sort adir|mr-sort: adir: Is a directory
	mr-map -w adir|mr-map: adir: Is a directory
	mr-partition -n 2 --print adir|mr-partition: adir: Is a directory
	END
}

# man_options P: the options of man page P's option lists, in order, one a
# line ("-k", "--key-fields", "-input"): the Fl words of its .It lines.
man_options() {
	sed -n 's/^\.It \(Fl .*\)/\1/p' "$MR_ROOT/man/$1.1" |
	    grep -o 'Fl [^ ]*' | sed 's/^Fl /-/'
}

# help_options P: the options of P --help, in order: after the usage and
# its blank line, the words that start with '-' in the option column (up
# to two spaces) of each line that starts with blanks and '-'.
help_options() {
	"$1" --help | sed '1,/^$/d' | sed -n 's/^ \{1,\}\(-.*\)/\1/p' | sed 's/  .*//' |
	    grep -o '\(^\|[ ,]\)-[-A-Za-z0-9]*' | sed 's/^[ ,]//'
}

@test "every option of a man page is in --help and the other way round, in the same order" {
	local p
	for p in $(programs); do
		run diff <(man_options "$p") <(help_options "$p")
		[[ $status -eq 0 ]] || { echo "$p: man page (<) and --help (>) differ:"; echo "$output"; false; }
		[[ $(man_options "$p" | wc -l) -ge 2 ]] || { echo "$p: no options found"; false; }
	done
}

@test "every --help line fits 80 columns, and each option's meaning is one line" {
	local p
	for p in $(programs); do
		run -0 --separate-stderr "$p" --help
		run mawk 'length > 80' <<<"$output"
		[[ -z $output ]] || { echo "$p --help: over 80 columns:"; echo "$output"; false; }
		# after the usage: no line indented past an option's start that
		# does not begin an option (a meaning on a second line)
		run bash -c '"$1" --help | sed "1,/^\$/d" | grep "^      *[^ -]"' _ "$p"
		[[ -z $output ]] || { echo "$p --help: a meaning runs on:"; echo "$output"; false; }
	done
}

@test "a bad value, options that exclude each other and a missing option are said in one wording by each program" {
	local key="is not a key field count (the key is the first K fields)"
	local size="is not a size (such as 4096, 64K, 16M or 2G)"
	local cmd want
	while IFS='|' read -r cmd want; do
		run --separate-stderr $cmd </dev/null
		[[ $status -eq 2 && ${stderr_lines[0]} == "$want" ]] ||
		    { echo "$cmd: $status: $stderr"; false; }
	done <<-END
	mr-sort -k 2,2n|mr-sort: -k: '2,2n' $key
	mr-reduce -k 5x count|mr-reduce: -k: '5x' $key
	mr-partition -n 2 -k 0|mr-partition: -k: '0' $key
	mr-task -S 1X|mr-task: -S: '1X' $size
	mr-sort -t ab|mr-sort: -t: 'ab' is not a single byte
	mr-reduce -t ab count|mr-reduce: -t: 'ab' is not a single byte
	mr-partition -t ab|mr-partition: -t: 'ab' is not a single byte
	mr-map -d ab|mr-map: -d: 'ab' is not a single byte
	mr-sort -P 0|mr-sort: -P: '0' is not a number from 1 to 1024
	mr-task -P 2000|mr-task: -P: '2000' is not a number from 1 to 1024
	mr-split -n 0|mr-split: -n: '0' is not a number from 1 to 1000000
	mr-split -l x|mr-split: -l: 'x' is not a number from 1 up
	mr-reduce -n 0 count|mr-reduce: -n: '0' is not a number from 1 up
	mr-tail -n x f|mr-tail: -n: 'x' is not a number from 0 up
	mr-job -numReduceTasks x|mr-job: -numReduceTasks: 'x' is not a number from 0 to 99999
	mr-job -D mapreduce.job.reduces=x -input i -output o -mapper cat|mr-job: mapreduce.job.reduces: 'x' is not a number from 0 to 99999
	mr-job -P 0|mr-job: -P: '0' is not a number from 1 to 1024
	mr-job -D foo|mr-job: -D: 'foo' is not NAME=VALUE
	mr-job -cmdenv X|mr-job: -cmdenv: 'X' is not NAME=VALUE
	mr-task -D foo|mr-task: -D: 'foo' is not NAME=VALUE
	mr-reduce --window 5 -e 5 count|mr-reduce: --window and -e exclude each other
	mr-sort --check -m|mr-sort: --check and -m exclude each other
	mr-split -b 1M --lines 3|mr-split: -b and --lines exclude each other
	mr-partition -n 2 --range r -s 3|mr-partition: --range and -s exclude each other
	mr-sort -S 1X|mr-sort: -S: '1X' $size
	mr-split -b 0|mr-split: -b: '0' $size
	mr-map -b lots cat|mr-map: -b: 'lots' $size
	mr-map --words --regex x|mr-map: --words and --regex exclude each other
	mr-map --parallel 2 -w|mr-map: --parallel and -w exclude each other
	mr-split -i --lines 3 f|mr-split: -i and --lines exclude each other
	mr-split --largest-first f|mr-split: --largest-first needs -i
	mr-partition -n 2 --key 1 --range r|mr-partition: --key and --range exclude each other
	mr-sort -K x|mr-sort: -K: 'x' is not a key specification ('x' is not a number)
	mr-partition -n 2 --key 1.0|mr-partition: --key: '1.0' is not a key specification (0 must be 1 or more)
	mr-map|mr-map: missing mapper (-w, -a, -d, -K, -e, -j or COMMAND)
	mr-reduce|mr-reduce: missing OP
	mr-partition|mr-partition: missing -n N
	mr-tail|mr-tail: missing FILE
	mr-task -M x -- cat|mr-task: missing -d DIR
	mr-job -input i -mapper cat|mr-job: missing -output DIR
	END
}

@test "every counter a program reports is named in one style: lowercase words, the unit counted last" {
	local name n=0
	printf 'a 1\nb x\n' >in
	printf 'a\t1\n' >kv
	export mapreduce_task_id=attempt_local_0001_m_000000_0
	{
		mr-map -d ' ' -K 1 -V 2 in
		mr-map -w in
		mr-reduce -b sum <kv
		mr-reduce -w 1 -b sum <kv
		mr-tail --once -b -s st in
	} 2>&1 >/dev/null | grep '^reporter:counter:' >counters ||
	    true
	while IFS= read -r name; do
		n=$((n + 1))
		[[ $name =~ ^[a-z]+( [a-z]+)*\ (records|lines|bytes|losses)$ ]] ||
		    { echo "counter '$name' is not in the style"; return 1; }
	done < <(sed 's/^reporter:counter:[^,]*,\([^,]*\),.*/\1/' counters | sort -u)
	[ "$n" -ge 9 ]
}
