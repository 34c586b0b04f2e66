#!/usr/bin/env bats
# The JSON-lines parser (lib/json, through mr-map -j) against Python's json
# module on generated lines, valid and broken: the differential half of
# its fuzzing (tests/fuzz/fuzz_json.c checks the properties in-process).
# tests/fuzz/json_model.py generates the lines and says what must come out.

load helper

MODEL="$MR_ROOT/tests/fuzz/json_model.py"

# differ SEED COUNT: generate, run mr-map -j, compare records and counts.
differ() {
	python3 "$MODEL" gen "$1" "$2" in.jsonl expected
	mr-map -j -K n -V v -v in.jsonl >out 2>err
	python3 "$MODEL" check expected out
	[ "$(cat err)" = "mr-map: $(tail -n 1 expected)" ]
}

@test "mr-map -j accepts exactly the lines Python's json accepts and extracts the same values" {
	need_tool python3
	differ 20261123 2000
}

@test "mr-map -j agrees with Python's json on CRLF lines and a second seed" {
	need_tool python3
	python3 "$MODEL" gen 7 1000 lf.jsonl expected
	sed 's/$/\r/' lf.jsonl >in.jsonl
	mr-map -j -K n -V v -v in.jsonl >out 2>err
	python3 "$MODEL" check expected out
	[ "$(cat err)" = "mr-map: $(tail -n 1 expected)" ]
}
