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
	pair "mr-map -P 2 mawk $name vs mawk" \
	    "mr-map -P 2 -- mawk '{print \$1\"\t1\"}' < $text > /dev/null" \
	    "mawk '{print \$1\"\t1\"}' $text > /dev/null"
}

# How much of two cores the machine gives at the moment: mr-map -P 2 beside
# two mawks started by hand on the two halves of the file, the most any
# dealing of the input could reach.  A ratio near 1 (or above) says the
# -P 2 row above is what the machine allows; on a shared virtual machine
# that is not always twice one mawk.
parallel_control() {
	local name=$1 text=$2
	split -n l/2 -d "$text" "$WORK/half-"
	pair "mr-map -P 2 mawk $name vs 2 mawks on halves" \
	    "mr-map -P 2 -- mawk '{print \$1\"\t1\"}' < $text > /dev/null" \
	    "{ mawk '{print \$1\"\t1\"}' $WORK/half-00 & mawk '{print \$1\"\t1\"}' $WORK/half-01; wait; } > /dev/null"
	rm -f "$WORK"/half-0[01]
}

map_jobs text "$(dataset text)"
REAL=$(realtext)
if [[ -n $REAL ]]; then
	map_jobs realtext "$REAL"
	parallel_control realtext "$REAL"
else
	echo "map: too little English text on this machine for the realtext data set" >&2
fi
