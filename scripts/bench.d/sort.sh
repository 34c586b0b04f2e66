# bench job: mr-sort against GNU sort (issue 3).  Sourced by scripts/bench.
KV=$(dataset kv)
GSORT="sort -t '$TAB' -k1,1 -s"
pair "sort in memory" "mr-sort $KV >/dev/null" \
    "$GSORT -S 2G --parallel=2 $KV >/dev/null"
pair "sort external -S 64M" "mr-sort -S 64M $KV >/dev/null" \
    "$GSORT -S 64M $KV >/dev/null"
pair "sort external -S 16M" "mr-sort -S 16M $KV >/dev/null" \
    "$GSORT -S 16M $KV >/dev/null"
for d in kv-sorted kv-reverse kv-equal; do
	f=$(dataset $d)
	pair "sort in memory, $d" "mr-sort $f >/dev/null" \
	    "$GSORT -S 2G --parallel=2 $f >/dev/null"
done
# Eight sorted files: the random data cut into eighths, each sorted.
parts=()
for i in 0 1 2 3 4 5 6 7; do
	p=$DATA/kv-part$i-of8-$RECORDS
	if [[ ! -s $p ]]; then
		awk -v i=$i 'NR % 8 == i' "$KV" | LC_ALL=C sort -t "$TAB" -k1,1 -s -S 1G >"$p.tmp"
		mv "$p.tmp" "$p"
	fi
	parts+=("$p")
done
pair "merge -m of 8 sorted files" "mr-sort -m ${parts[*]} >/dev/null" \
    "$GSORT -m ${parts[*]} >/dev/null"
