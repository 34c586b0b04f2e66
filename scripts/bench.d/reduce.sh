# reduce: mr-reduce group-by beside GNU datamash and mawk (shared/BENCH.md).
# Sourced by scripts/bench, which defines pair, single and dataset.
KV=$(dataset kv)
KVS=$(dataset kv-sorted)
ZIPF=$(dataset zipf)
pair "reduce -H sum mean (2M keys)" \
    "mr-reduce -H sum:1 mean:2 < $KV > /dev/null" \
    "datamash -s -g1 sum 2 mean 3 < $KV > /dev/null"
pair "reduce sorted sum mean" \
    "mr-reduce sum:1 mean:2 < $KVS > /dev/null" \
    "datamash -g1 sum 2 mean 3 < $KVS > /dev/null"
pair "reduce -H zipf (10k keys) vs mawk" \
    "mr-reduce -H sum:1 mean:2 < $ZIPF > /dev/null" \
    "mawk -F'\t' '{s[\$1]+=\$2; m[\$1]+=\$3; c[\$1]++} END{for(k in s) print k\"\t\"s[k]\"\t\"m[k]/c[k]}' $ZIPF > /dev/null"
