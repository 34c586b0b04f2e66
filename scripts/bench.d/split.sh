# mr-split: 8 line-aligned chunks of the key-value file beside GNU split
# -n l/8, and Hadoop split planning on a 20 GB sparse file.
KV=$(dataset kv)
mkdir -p "$WORK/split-mr" "$WORK/split-gnu"
# Each run writes into a new directory: the common case of fresh chunks,
# and neither tool pays for freeing the previous run's files.
pair "split -n 8" \
    "cd \$(mktemp -d -p $WORK) && mr-split -n 8 $KV > /dev/null" \
    "cd \$(mktemp -d -p $WORK) && split -n l/8 $KV"
pair "split -n 8 (from a pipe)" \
    "cd $WORK/split-mr && cat $KV | mr-split -n 8 > /dev/null" \
    "cd $WORK/split-gnu && cat $KV | split -n r/8"
truncate -s 20G "$WORK/sparse-20g"
single "split -i on a 20 GB sparse file" "mr-split -i $WORK/sparse-20g > /dev/null"
rm -rf "$WORK/split-mr" "$WORK/split-gnu" "$WORK/sparse-20g"
