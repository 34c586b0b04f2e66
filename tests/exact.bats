#!/usr/bin/env bats
# exact: mr-reduce's numbers and mr-sort -n against arbitrary precision.
# tests/exact.py draws adversarial numbers (a fixed seed here; make fuzz
# runs it for minutes) and computes the expected output with Python's
# fractions, independently of lib/num and lib/agg.
bats_require_minimum_version 1.5.0
load helper

exact() {
	need_tool python3
	run python3 "$BATS_TEST_DIRNAME/exact.py" --bin "${MR_BIN:-$MR_ROOT/bin}" "$@"
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "every mr-reduce operation equals the Python reference: sorted, -H, -j 2, window, --top, fast sums" {
	exact --seed 1 --groups 250 reduce
}

@test "the first number that is bad or needs more than 38 digits stops every mode with its line" {
	exact --seed 2 errors
}

@test "mr-sort -n orders numbers of any length as Python's fractions do (-r, -V, -S, -P)" {
	exact --seed 3 --groups 500 sort
}
