#!/usr/bin/env bats
# The files each mr-task writes and mr-job reads, in bash: DIR/counts (the
# built-in counters, then "counter TAB GROUP TAB NAME TAB SUM" for the
# commands' own) and DIR/status ("ok", or "STAGE CODE").  Their parser is
# mr-job itself, so instead of a libFuzzer harness, generated input: the
# counter lines of every task drawn from hostile bytes, and commands that
# fail with drawn exit statuses and signals, against a model in Python.
bats_require_minimum_version 1.5.0
load helper

# The model: Hadoop's rule for a counter line (PipeMapRed.incrCounter:
# the text after the prefix trimmed of bytes <= ' ', split on ',' with
# trailing empty parts dropped, three parts, the last a Java long), less
# what mr-task refuses (NUL or TAB in a name), summed over the tasks with
# Java's wrapping; written as mr-job writes the job's counters: groups and
# names in byte order, "TAB GROUP" then "TAB TAB NAME=SUM".
gen_counters() {
	python3 - "$@" <<'EOF'
import random, re, sys
seed, ntasks = int(sys.argv[1]), int(sys.argv[2])
r = random.Random(seed)
pieces = [b"G", b"g", b"My Group", b"a]b", b"user[$k]", b"$(touch PWNED)",
          b"`touch PWNED`", b"*", b"?", b"[a-z]", b"=", b"x=y", b"%s%n", b"\\",
          b"\\n", b"'", b'"', b" ", b"\t", b"\r", b"\0", b"\xff", b"\xc3\xa9",
          b"-", b"@", b"counter", b"in 5", b"#", b";", b"|", b"&"]
amounts = [b"1", b"0", b"-0", b"+7", b"007", b"-3", b"9223372036854775807",
           b"-9223372036854775808", b"9223372036854775808", b"1.5", b"1e3",
           b"", b" 2", b"2 ", b"x"]
def name():
    return b"".join(r.choice(pieces) for _ in range(r.randint(0, 3)))
def line():
    if r.random() < 0.1:
        return r.choice([b"reporter:counter:G,n", b"reporter:counter:G,n,1,",
                         b"reporter:counter:,,,", b"reporter:status:G,n,1",
                         b"reporter:counter:G,n,1,2", b"note G,n,1"])
    return (b"reporter:counter:" + name() + b"," + name() + b"," +
            r.choice(amounts) + r.choice([b"", b"", b" ", b"\r", b","]))
def parse(l):
    p = b"reporter:counter:"
    if not l.startswith(p):
        return None
    cols = l[len(p):].strip(bytes(range(33))).split(b",")
    while cols and cols[-1] == b"":
        cols.pop()
    if len(cols) != 3 or any(c in g for c in b"\0\t" for g in cols[:2]):
        return None
    if not re.fullmatch(rb"[+-]?[0-9]+", cols[2]):
        return None
    v = int(cols[2])
    return (cols[0], cols[1], v) if -2**63 <= v < 2**63 else None
sums = {}
for t in range(ntasks):
    with open("counters.%d" % t, "wb") as f:
        for _ in range(r.randint(0, 40)):
            l = line()
            f.write(l + b"\n")
            c = parse(l[:-1] if l.endswith(b"\r") else l)
            if c:
                k = (c[0], c[1])
                sums[k] = (sums.get(k, 0) + c[2] + 2**63) % 2**64 - 2**63
with open("expected", "wb") as f:
    group = None
    for g, n in sorted(sums, key=lambda k: k[0] + b"\t" + k[1]):
        if g != group:
            f.write(b"\t" + g + b"\n")
            group = g
        f.write(b"\t\t" + n + b"=" + str(sums[(g, n)]).encode() + b"\n")
EOF
}

# The user's counters in mr-job's report, without the built-in groups
# (which Hadoop's order puts among them).
user_counters() {
	mawk '/^mr-job: output directory/ { exit }
	    /^mr-job: Counters: / { started = 1; next }
	    /^\t$/ || /^\t[^\t]/ {
		g = substr($0, 2)
		mine = g != "Map-Reduce Framework" && g != "File Input Format Counters " &&
		    g != "File Output Format Counters "
	    }
	    started && mine' "$1"
}

@test "counters with hostile group and counter names sum over the tasks as Hadoop sums them" {
	need_tool python3
	seq 1 1000 | head -c 3000 >in.txt
	local seed
	for seed in 1 2; do
		rm -rf out
		# Tasks 0-2 are the map tasks, 3-4 the reducers: each writes its own lines.
		gen_counters "$seed" 5
		run mr-job -D mapreduce.job.maps=3 -numReduceTasks 2 -input in.txt -output out \
		    -mapper "sh -c 'cat >/dev/null; cat $PWD/counters.\$mapreduce_task_partition >&2'" \
		    -reducer "sh -c 'cat >/dev/null; cat $PWD/counters.\$((mapreduce_task_partition + 3)) >&2'"
		[ "$status" -eq 0 ]
		[[ $output == *"completed successfully: 3 map tasks, 2 reduce tasks"* ]]
		printf '%s\n' "$output" >report
		diff <(user_counters report) expected
	done
	[ ! -e PWNED ]
}

@test "a failed command is reported with its exit status or signal, whichever it was" {
	echo x >in.txt
	local codes=(1 2 126 127 128 129 130 137 141 143 255) sigs=(HUP INT KILL PIPE USR1 TERM SEGV)
	local i c s
	RANDOM=20261123
	for i in 1 2 3; do
		rm -rf out
		c=${codes[RANDOM % ${#codes[@]}]}
		run --separate-stderr mr-job -input in.txt -output out -mapper "sh -c 'cat >/dev/null; exit $c'"
		[ "$status" -eq 1 ]
		[[ ${stderr_lines[0]} == *": mapper of task attempt_local_0001_m_00000"[01]"_0: exit status $c" ]]
		rm -rf out
		s=${sigs[RANDOM % ${#sigs[@]}]}
		run --separate-stderr mr-job -input in.txt -output out \
		    -mapper cat -reducer "sh -c 'cat >/dev/null; kill -$s \$\$'"
		[ "$status" -eq 1 ]
		[[ ${stderr_lines[0]} == *": reducer of task attempt_local_0001_r_000000_0: killed by signal $(kill -l "$s") (SIG$s)" ]]
	done
}
