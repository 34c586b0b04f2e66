#!/usr/bin/env bats
# The randomized rotation model (scripts/tailmodel.c), a short seeded run
# per way of running mr-tail: a writer of numbered lines (some in two
# writes, some long), rotations by random schedules (rename chains with
# numbered or dated names, copytruncate, same-size rewrites (copytruncate,
# as many bytes written again, rename), creation at once or later, late
# writes, bursts within milliseconds, compression, deletion and truncation
# while mr-tail is down), and mr-tail live with inotify, with --poll, or
# from cron-like --once runs and exactly-once --no-commit jobs, killed with
# -9 at random.  The output is checked against what was written: every
# line whole, none lost unless its file was destroyed (and then no more
# reported lost than is missing, or was written by a killed run past its
# checkpoint, nothing when neither is), each file's
# lines in order and older files before newer ones, a line again only
# after a kill -9 and from within the killed run's last checkpoint
# interval.  scripts/soak-tail runs the model for as long as asked.
bats_require_minimum_version 1.5.0
load helper

model() {
	"$MR_TOOLS/tailmodel" -s "$1" -t "${TAILMODEL_SECONDS:-2}" -m "$2" \
	    "$(command -v mr-tail)"
}

@test "rotation model with inotify (seed 1): every line, whole, in order, again only after kill -9" {
	run -0 model 1 inotify
	[[ $output == *" ok" ]]
}

@test "rotation model polling (seed 2): every line, whole, in order, again only after kill -9" {
	run -0 model 2 poll
	[[ $output == *" ok" ]]
}

@test "rotation model from cron, --once and --no-commit jobs (seed 3): exactly once unless killed" {
	run -0 model 3 cron
	[[ $output == *" ok" ]]
}
