#!/usr/bin/env bats
# The JSON-lines parser (lib/json, through mr-map -j) against Python's json
# module on generated lines, valid and broken: the differential half of
# its fuzzing (tests/fuzz/fuzz_json.c checks the properties in-process).
# tests/fuzz/json_model.py generates the lines and says what must come out.

load helper

MODEL="$MR_ROOT/tests/fuzz/json_model.py"

# counters: what mr-map -v -q writes on stderr for the counts of the last
# line of expected ("records in R, out W, skipped S").
counters() {
	local in out skipped
	read -r _ _ in _ out _ skipped < <(tail -n 1 expected | tr -d ,)
	printf 'mr-map: counter mr-map,%s records: %s\n' input "$in" output "$out" \
	    skipped "$skipped"
}

# differ SEED COUNT: generate, run mr-map -j, compare records and counts.
differ() {
	python3 "$MODEL" gen "$1" "$2" in.jsonl expected
	mr-map -j -K n -V v -v -q in.jsonl >out 2>err
	python3 "$MODEL" check expected out
	[ "$(cat err)" = "$(counters)" ]
}

@test "mr-map -j accepts exactly the lines Python's json accepts and extracts the same values" {
	need_tool python3
	differ 20261123 2000
}

@test "mr-map -j agrees with Python's json on CRLF lines and a second seed" {
	need_tool python3
	python3 "$MODEL" gen 7 1000 lf.jsonl expected
	sed 's/$/\r/' lf.jsonl >in.jsonl
	mr-map -j -K n -V v -v -q in.jsonl >out 2>err
	python3 "$MODEL" check expected out
	[ "$(cat err)" = "$(counters)" ]
}
