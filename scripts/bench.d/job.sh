# bench job: mr-job against the bare pipeline it wraps (issues 8 and 18).
# Sourced by scripts/bench.  The text data set is RECORDS * 13 bytes: 130 MB
# by default; the 32 MB text is made on its own, whatever RECORDS is.
TEXT=$(dataset text)
JOB=$top/scripts/mr-job
BARE="mr-map -w $TEXT | mr-reduce -H count >/dev/null"
TEXT32=$DATA/text-32m
[[ -s $TEXT32 ]] || { "$TOOLS/gendata" text 32000000 >"$TEXT32.tmp" && mv "$TEXT32.tmp" "$TEXT32"; }

# Issue 18's target: mr-job's cost over the same dataflow as a bare
# pipeline, one reducer, at most 1.3x (a ratio of 0.77 or more here).
pair "job: word count 32 MB, 1 red" \
    "rm -rf $WORK/wc; $JOB -input $TEXT32 -output $WORK/wc -mapper 'mr-map -w' -reducer 'mr-reduce count' -numReduceTasks 1 2>/dev/null" \
    "mr-map -w $TEXT32 | mr-sort | mr-reduce count >/dev/null"

# In-mapper combining (each map task counts its words in a hash table): the
# whole cost of the job is the framework's, on top of the bare pipeline.
pair "job: word count, in-mapper count, 2 red" \
    "rm -rf $WORK/wc; $JOB -input $TEXT -output $WORK/wc -mapper \"sh -c 'mr-map -w | mr-reduce -H count'\" -reducer 'mr-reduce sum' -numReduceTasks 2 2>/dev/null" \
    "$BARE"
# The textbook form, with a combiner: every word record is sorted in its
# map task (Streaming's combiner reads sorted input).
pair "job: word count, combiner, 2 red" \
    "rm -rf $WORK/wc; $JOB -input $TEXT -output $WORK/wc -mapper 'mr-map -w' -combiner 'mr-reduce count' -reducer 'mr-reduce sum' -numReduceTasks 2 2>/dev/null" \
    "$BARE"
# Without a combiner every word record is sorted, shuffled and merged.
pair "job: word count, no combiner, 2 red" \
    "rm -rf $WORK/wc; $JOB -input $TEXT -output $WORK/wc -mapper 'mr-map -w' -reducer 'mr-reduce count' -numReduceTasks 2 2>/dev/null" \
    "$BARE"

# A small job: the fixed cost of a whole job on 1 MB (target: under 0.3 s).
SMALL=$WORK/text-1m
head -c 1000000 "$TEXT" >"$SMALL"
pair "job: word count on 1 MB" \
    "rm -rf $WORK/wc1; $JOB -input $SMALL -output $WORK/wc1 -mapper 'mr-map -w' -combiner 'mr-reduce count' -reducer 'mr-reduce sum' -numReduceTasks 2 2>/dev/null" \
    "mr-map -w $SMALL | mr-reduce -H count >/dev/null"
