# bench job: a 64 MiB line among short ones (issue 15's hostile matrix):
# read from a pipe, so that it arrives 64 KiB at a time and a reader that
# scanned a partial line again after each read would show.
LONG=$DATA/longline-64M
if [[ ! -s $LONG ]]; then
	{
		head -c $((64 << 20)) /dev/zero | tr '\0' x
		printf '\t2\nb\t1\na\t3\n'
	} >"$LONG.tmp"
	mv "$LONG.tmp" "$LONG"
fi
pair "sort: a 64 MiB line from a pipe" "cat $LONG | mr-sort >/dev/null" \
    "cat $LONG | sort -t '$TAB' -k1,1 -s >/dev/null"
pair "count: a 64 MiB key from a pipe" "cat $LONG | mr-reduce count >/dev/null" \
    "cat $LONG | datamash -g 1 count 1 >/dev/null"
