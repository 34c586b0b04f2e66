# mr-partition: route 10 M key-value records to 8 part files, beside mawk
# writing NR % 8 files (the anchor).  Both run in scratch
# directories under $WORK so their outputs do not meet.
KV=$(dataset kv)
mkdir -p "$WORK/partition-mr" "$WORK/partition-mawk"
pair "partition -n 8 (files)" \
    "cd $WORK/partition-mr && mr-partition -n 8 $KV" \
    "cd $WORK/partition-mawk && mawk -F'\t' '{print > (\"p\" (NR % 8))}' $KV"
pair "partition -n 8 --exec cat" \
    "cd $WORK/partition-mr && mr-partition -n 8 --exec 'cat > e.\$MR_PARTITION' $KV" \
    "cd $WORK/partition-mawk && mawk -F'\t' '{print > (\"p\" (NR % 8))}' $KV"
rm -rf "$WORK/partition-mr" "$WORK/partition-mawk"
