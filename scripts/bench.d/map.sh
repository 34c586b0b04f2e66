# map: mr-map beside mawk, tr|sort|uniq and wc (shared/BENCH.md).
# Sourced by scripts/bench, which defines pair, single, dataset, DATA, WORK.

# realtext: real English prose from Debian packages on this machine
# (fortunes if installed, the license texts and every package's copyright
# file), in a fixed order, repeated to at least 100 MB; cached in $DATA.
# Prints nothing when there is too little text to be worth it.
realtext() {
	local f=$DATA/realtext src=$WORK/realtext.src size
	if [[ ! -s $f ]]; then
		{
			if [[ -d /usr/share/games/fortunes ]]; then
				find /usr/share/games/fortunes -type f ! -name '*.dat' \
				    ! -name '*.u8' | LC_ALL=C sort | xargs -r cat
			fi
			find /usr/share/common-licenses -type f | LC_ALL=C sort | xargs -r cat
			find /usr/share/doc -type f -name copyright | LC_ALL=C sort | xargs -r cat
		} >"$src" 2>/dev/null
		size=$(wc -c <"$src")
		((size >= 1000000)) || return 0
		: >"$f.tmp"
		while (($(wc -c <"$f.tmp") < 100000000)); do
			cat "$src" >>"$f.tmp"
		done
		mv "$f.tmp" "$f"
	fi
	echo "$f"
}

# shellcheck disable=SC2016 # awk program, expanded by mawk
MAWK_WC='{for(i=1;i<=NF;i++)c[$i]++} END{for(w in c) print w"\t"c[w]}'
map_jobs() {
	local name=$1 text=$2
	if command -v mr-reduce >/dev/null; then
		pair "word count $name vs mawk" \
		    "mr-map -w $text | mr-reduce -H count > /dev/null" \
		    "mawk '$MAWK_WC' $text > /dev/null"
		pair "word count $name vs tr|sort|uniq" \
		    "mr-map -w $text | mr-reduce -H count > /dev/null" \
		    "tr -s ' \t\r' '\n\n\n' < $text | LC_ALL=C sort | uniq -c > /dev/null"
	else
		# mr-reduce not built yet: the mapper side alone.
		pair "map side of word count $name vs mawk" \
		    "mr-map -w $text > /dev/null" \
		    "mawk '$MAWK_WC' $text > /dev/null"
	fi
	pair "mr-map -w $name vs wc -w" \
	    "mr-map -w $text > /dev/null" \
	    "wc -w $text > /dev/null"
	if [[ $name == realtext ]]; then
		parallel_control "$name" "$text"
	else
		pair "mr-map -P 2 mawk $name vs mawk" \
		    "mr-map -P 2 -- mawk '{print \$1\"\t1\"}' < $text > /dev/null" \
		    "mawk '{print \$1\"\t1\"}' $text > /dev/null"
	fi
}

# mr-map -P 2 beside one mawk, with two mawks started by hand on the two
# halves of the file timed in the same rotation: the most any dealing of
# the input could reach at that moment.  On a shared virtual machine two
# busy vCPUs are not always twice one, and this row says when.
parallel_control() {
	local name=$1 text=$2
	split -n l/2 -d "$text" "$WORK/half-"
	with_control "mr-map -P 2 mawk $name vs mawk" \
	    "mr-map -P 2 -- mawk '{print \$1\"\t1\"}' < $text > /dev/null" \
	    "mawk '{print \$1\"\t1\"}' $text > /dev/null" \
	    "  control: 2 mawks on the halves" \
	    "{ mawk '{print \$1\"\t1\"}' $WORK/half-00 & mawk '{print \$1\"\t1\"}' $WORK/half-01; wait; } > /dev/null"
	rm -f "$WORK"/half-0[01]
}

map_jobs text "$(dataset text)"
REAL=$(realtext)
if [[ -n $REAL ]]; then
	map_jobs realtext "$REAL"
else
	echo "map: too little English text on this machine for the realtext data set" >&2
fi
