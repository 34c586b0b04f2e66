# The cases of make hadoop-check (sourced by tests/hadoop/run).  Each
# case_NAME runs in its own input directory; "both ARGS..." runs a job
# through mr-job and Hadoop and compares them; a case returns non-zero on
# a difference.

# words N SEED: N lines of words from a small vocabulary, some non-ASCII.
words() {
	mawk -v n="$1" -v seed="$2" 'BEGIN {
		srand(seed)
		split("the a of and hello apple banana é Zürich x yy zzz data 7 12 -3 0.5", w, " ")
		for (i = 0; i < n; i++) {
			m = 1 + int(rand() * 8); line = ""
			for (j = 0; j < m; j++)
				line = line (j ? " " : "") w[1 + int(rand() * 17)]
			print line
		}
	}'
}

# records N SEED: N lines "key TAB number TAB word" for secondary sorts,
# every number different (Hadoop's order among equal keys is its own).
records() {
	mawk -v n="$1" -v seed="$2" 'BEGIN {
		srand(seed)
		split("ant bee cat dog eel", k, " ")
		for (i = 0; i < n; i++) {
			j = int(rand() * (i + 1)); p[i] = p[j]; p[j] = i
		}
		for (i = 0; i < n; i++)
			printf "%s\t%d\t%s%d\n", k[1 + int(rand() * 5)],
			    p[i] - n / 2, "w", i
	}'
}

# --- the basic contract ---

case_wordcount_three_reducers() {
	words 3000 1 >in.txt
	both -input in.txt -mapper 'mr-map -w' -reducer 'mr-reduce count' -numReduceTasks 3
}

case_identity_reducer_and_line_ends() {
	printf 'b\t2\r\na\t1\rc\t3\n\xef\xbb\xbfnot a bom here\nno tab\n\nlast' >in.txt
	printf '\xef\xbb\xbfbom\tfirst\n' >bom.txt
	both -input in.txt -input bom.txt -mapper cat
}

case_map_only_splits_by_block_size() {
	words 20000 2 >in.txt
	words 300 3 >small.txt
	both -D fs.local.block.size=30000 -input in.txt,small.txt -mapper cat -numReduceTasks 0
}

case_reducer_without_input_writes_nothing() {
	printf 'a\n' >in.txt
	both -input in.txt -mapper cat -reducer "sh -c 'cat; echo ran'" -numReduceTasks 3
}

case_empty_input_mapper_still_runs() {
	: >empty.txt
	both -input empty.txt -mapper "sh -c 'cat; echo mapran'" \
	    -reducer "sh -c 'cat; echo ran'" -numReduceTasks 2
}

# --- secondary sort: KeyFieldBasedComparator ---

case_secondary_sort_new_names() {
	records 3000 4 >in.txt
	both -D mapreduce.job.output.key.comparator.class=org.apache.hadoop.mapreduce.lib.partition.KeyFieldBasedComparator \
	    -D stream.num.map.output.key.fields=2 \
	    -D 'mapreduce.partition.keycomparator.options=-k1,1 -k2,2nr' \
	    -input in.txt -mapper cat -reducer cat -numReduceTasks 2
}

case_secondary_sort_old_names_dot_separator() {
	records 2000 5 | tr '\t' . >in.txt
	both -D mapred.output.key.comparator.class=org.apache.hadoop.mapred.lib.KeyFieldBasedComparator \
	    -D stream.map.output.field.separator=. -D stream.num.map.output.key.fields=2 \
	    -D map.output.key.field.separator=. \
	    -D 'mapred.text.key.comparator.options=-k2,2n -k1,1r' \
	    -input in.txt -mapper cat -reducer cat -numReduceTasks 1
}

case_global_numeric_reverse() {
	seq -50 3 250 | sed 's/$/\tv/' >in.txt
	printf '1.5\tv\n-0\tv\n0.0\tv\n007\tv\nabc\tv\n' >>in.txt
	BOTH_SORTED=1 both -D mapreduce.job.output.key.comparator.class=org.apache.hadoop.mapred.lib.KeyFieldBasedComparator \
	    -D 'mapreduce.partition.keycomparator.options=-nr' \
	    -input in.txt -mapper cat -reducer 'mr-reduce count' -numReduceTasks 1
}

# --- KeyFieldBasedPartitioner ---

case_keyfield_partitioner() {
	records 2000 6 >in.txt
	both -D stream.num.map.output.key.fields=2 -D mapreduce.partition.keypartitioner.options=-k1,1 \
	    -partitioner org.apache.hadoop.mapred.lib.KeyFieldBasedPartitioner \
	    -input in.txt -mapper cat -reducer cat -numReduceTasks 3
}

case_keyfield_partitioner_old_names() {
	records 2000 7 >in.txt
	both -D stream.num.map.output.key.fields=3 -D mapred.text.key.partitioner.options=-k2,2 \
	    -D mapred.partitioner.class=org.apache.hadoop.mapred.lib.KeyFieldBasedPartitioner \
	    -input in.txt -mapper cat -numReduceTasks 4
}

case_new_api_partitioner_is_refused() {
	printf 'a\n' >in.txt
	BOTH_STATUS_ONLY=1 both -D mapreduce.job.partitioner.class=org.apache.hadoop.mapred.lib.KeyFieldBasedPartitioner \
	    -input in.txt -mapper cat -numReduceTasks 2 &&
	BOTH_STATUS_ONLY=1 both -partitioner org.apache.hadoop.mapreduce.lib.partition.KeyFieldBasedPartitioner \
	    -input in.txt -mapper cat -numReduceTasks 2
}

case_num_key_fields_for_partition() {
	records 2000 8 >in.txt
	both -D stream.num.map.output.key.fields=2 -D num.key.fields.for.partition=1 \
	    -partitioner org.apache.hadoop.mapred.lib.KeyFieldBasedPartitioner \
	    -input in.txt -mapper cat -numReduceTasks 5
}

case_keyfield_partitioner_without_options() {
	# No options: Java's String.hashCode of the whole key.
	words 2000 9 >in.txt
	both -partitioner org.apache.hadoop.mapred.lib.KeyFieldBasedPartitioner \
	    -input in.txt -mapper 'mr-map -w' -reducer 'mr-reduce count' -numReduceTasks 4
}

# --- compression ---

case_gzip_output() {
	words 2000 10 >in.txt
	both -D mapreduce.output.fileoutputformat.compress=true \
	    -D mapreduce.output.fileoutputformat.compress.codec=org.apache.hadoop.io.compress.GzipCodec \
	    -input in.txt -mapper 'mr-map -w' -reducer 'mr-reduce count' -numReduceTasks 2
}

case_default_codec_output() {
	words 2000 11 >in.txt
	both -D mapred.output.compress=true -input in.txt -mapper 'mr-map -w' \
	    -reducer 'mr-reduce count' -numReduceTasks 2
}

case_bzip2_map_only_output() {
	words 2000 12 >in.txt
	both -D mapreduce.output.fileoutputformat.compress=true \
	    -D mapred.output.compression.codec=org.apache.hadoop.io.compress.BZip2Codec \
	    -input in.txt -mapper cat -numReduceTasks 0
}

case_compressed_input() {
	words 3000 13 >a.txt
	words 2000 14 >b.txt
	gzip a.txt
	bzip2 b.txt
	both -input a.txt.gz -input b.txt.bz2 -mapper cat -numReduceTasks 0
}

# --- separators, exit status, options ---

case_reduce_input_separator() {
	records 500 15 >in.txt
	both -D stream.reduce.input.field.separator=: -D stream.num.map.output.key.fields=2 \
	    -input in.txt -mapper cat -reducer cat
}

case_separator_backslash_t_is_literal() {
	printf 'a\\tb\tc\nx\\ty\\tz\n' >in.txt
	both -D 'stream.map.output.field.separator=\t' -input in.txt -mapper cat -reducer cat
}

case_reduce_output_fields_and_output_separator() {
	records 500 16 >in.txt
	both -D stream.reduce.output.field.separator=w -D stream.num.reduce.output.key.fields=2 \
	    -D stream.num.map.output.key.fields=2 \
	    -D mapreduce.output.textoutputformat.separator=: -input in.txt -mapper cat -reducer cat
}

case_value_order_within_a_key_may_differ() {
	# The one documented difference: lines of equal keys reach the reducer
	# in input order in mr-job, in the order of Hadoop's unstable sort and
	# merge there.  The same lines per part file.
	records 3000 25 >in.txt
	BOTH_SORTED=1 both -input in.txt -mapper cat -reducer cat -numReduceTasks 2
}

case_combiner_splits_by_reduce_output_settings() {
	records 500 17 | tr '\t' , >in.txt
	both -D stream.map.output.field.separator=, -D stream.num.map.output.key.fields=2 \
	    -input in.txt -mapper cat -combiner cat -reducer cat
}

# recipe_input: 300,000 lines "kI TAB V TAB 1" of 7 keys, for the recipes.
recipe_input() {
	mawk 'BEGIN { for (i = 0; i < 300000; i++) printf "k%d\t%d\t1\n", i % 7, i % 1000 }'
}

# combined_again: did Hadoop's combiner take records more than once (its
# own output again, after a merge of spills)?
combined_again() {
	local in out
	in=$(counter "$dir/hd.log" 'Combine input records')
	out=$(counter "$dir/hd.log" 'Map output records')
	((in > out)) || { note "the combiner took $in records of $out: not run again"; return 1; }
}

# mr-reduce(1)'s recipes are right however often the combiner runs: with a
# 1 MB sort buffer Hadoop spills several times, combines each spill and
# combines the merged spills again (the combiner's own output); mr-job
# combines once.  A count: the mapper emits KEY TAB 1, sum to combine and
# to reduce.
case_count_recipe_holds_when_the_combiner_runs_again() {
	recipe_input >in.txt
	both -D mapreduce.task.io.sort.mb=1 -input in.txt -mapper 'cut -f1,3' \
	    -combiner 'mr-reduce sum' -reducer 'mr-reduce sum' -numReduceTasks 2 &&
	    combined_again
}

# A mean: the mapper emits KEY TAB VALUE TAB 1, sum:1 sum:2 to combine and
# to reduce, then the division.
case_mean_recipe_holds_when_the_combiner_runs_again() {
	recipe_input >in.txt
	both -D mapreduce.task.io.sort.mb=1 -input in.txt -mapper cat \
	    -combiner 'mr-reduce sum:1 sum:2' -reducer 'mr-reduce sum:1 sum:2' \
	    -numReduceTasks 2 && combined_again
}

case_nonzero_exit_is_not_failure() {
	words 100 18 >in.txt
	both -D stream.non.zero.exit.is.failure=false -input in.txt \
	    -mapper "sh -c 'cat; exit 3'" -reducer "sh -c 'cat; exit 4'"
}

case_nonzero_exit_fails() {
	words 100 19 >in.txt
	BOTH_STATUS_ONLY=1 both -input in.txt -mapper "sh -c 'cat; exit 3'"
}

case_jobconf_and_lazy_output() {
	printf 'a\nb\n' >in.txt
	both -input in.txt -mapper cat -reducer cat -jobconf mapreduce.job.reduces=4 -lazyOutput
}

case_cache_file_and_archive() {
	echo shipped >data.txt
	mkdir pkg && echo inside >pkg/f.txt && tar -czf pkg.tgz -C pkg f.txt
	printf 'x\n' >in.txt
	both -input in.txt -cacheFile "file://$PWD/data.txt#d" -cacheArchive "file://$PWD/pkg.tgz#p" \
	    -mapper "sh -c 'cat >/dev/null; cat d p/f.txt'" -numReduceTasks 0
}

case_ignore_key_false() {
	words 50 20 >in.txt
	both -D stream.map.input.ignoreKey=false -D stream.map.input.field.separator=: \
	    -input in.txt -mapper cat -numReduceTasks 0
}

case_no_success_marker() {
	printf 'a\n' >in.txt
	both -D mapreduce.fileoutputcommitter.marksuccessfuljobs=false -input in.txt -mapper cat
}

case_max_split_size_changes_nothing() {
	words 3000 21 >in.txt
	both -D mapreduce.input.fileinputformat.split.maxsize=1000 -input in.txt -mapper cat -numReduceTasks 0
}

# --- the task environment ---

case_task_environment() {
	cat >env.sh <<-'EOF'
	#!/bin/sh
	cat >/dev/null
	for v in mapreduce_task_partition mapreduce_task_ismap mapred_task_is_map \
	    map_input_start map_input_length my_custom_prop_x my_old_name GREETING \
	    stream_addenvironment mapreduce_job_reduces mapreduce_job_maps \
	    stream_map_streamprocessor caf__prop ___x SPACED; do
		eval "printf '%s=%s\n' $v \"\${$v-unset}\""
	done
	EOF
	chmod +x env.sh
	words 10 22 >in.txt
	both -D my.custom-prop.x=42 -D my.old.name=x -files env.sh \
	    -input in.txt -mapper env.sh -reducer env.sh -numReduceTasks 2 \
	    -cmdenv GREETING=hello -cmdenv 'SPACED=a b' &&
	# A name with a non-ASCII character (one '_' per UTF-16 unit) and a
	# limit on the length of values; map-only (Hadoop 3.1.3's local
	# reduce tasks lose a property with a non-ASCII name).
	both -D $'caf\xc3\xa9.prop=1' -D $'\xf0\x9f\x98\x80.x=2' -D stream.jobconf.truncate.limit=4 \
	    -D my.old.name=abcdefgh -files env.sh -input in.txt -mapper env.sh -numReduceTasks 0
}

# --- the aggregate package ---

case_aggregate_reducer() {
	mawk 'BEGIN {
		srand(23)
		split("a b c é", k, " ")
		for (i = 0; i < 4000; i++) {
			key = k[1 + int(rand() * 4)]
			v = int(rand() * 1000) - 300
			print "LongValueSum:" key "\t" v
			print "LongValueMax:" key "\t" v
			print "longvaluemin:" key "\t" v
			print "DoubleValueSum:" key "\t" v / 8
			print "StringValueMax:" key "\tw" v
			print "StringValueMin:" key "\tw" v
			print "UniqValueCount:" key "\t" int(v / 10)
			print "ValueHistogram:" key "\t" int(v / 100)
			print "ValueHistogram:" key "-counted\t" int(v / 100) "\t" 3
		}
	}' >in.txt
	both -input in.txt -mapper cat -reducer aggregate -numReduceTasks 2
}

case_aggregate_double_sum_of_decimals_depends_on_value_order() {
	# Sums of decimals round differently in another order: mr-job adds
	# the values of a key in input order, Hadoop in its sort's order (the
	# documented difference), so the last digits may differ.
	mawk 'BEGIN { srand(24); for (i = 0; i < 3000; i++) printf "DoubleValueSum:k%d\t%.3f\n", i % 7, rand() * 100 - 20 }' >in.txt
	BOTH_STATUS_ONLY=1 both -input in.txt -mapper cat -reducer aggregate || return 1
	paste "$dir/mr/part-00000" "$dir/hd/part-00000" | mawk -F'\t' '
	    $1 != $3 || ($2 - $4) * ($2 - $4) > 1e-18 * $4 * $4 { bad = 1; print "#   " $0 }
	    END { exit bad }'
}

# --- randomized: the comparator and the partitioner on generated keys ---

# A job per batch: random options over keys of numbers and words (on
# which Hadoop's comparator is a total order: on other strings its numeric
# comparison need not be transitive, and the probes compare it pair by
# pair), the whole line the key.  The keys have six fields and a seventh,
# a number of their own, and -k7,7n ends the options: no two keys compare
# equal, so Hadoop's sort must give the same bytes as mr-sort's.
case_random_comparator_jobs() {
	local seed opts st=0
	for seed in 1 2 3 4 5 6 7 8; do
		"$WORK/probe" keys $((seed * 7)) "$TAB" 500 ids >in$seed.txt
		opts="$("$WORK/probe" options "$seed") -k7,7n"
		mkdir -p "$dir/r$seed"
		dir=$dir/r$seed both -D stream.num.map.output.key.fields=99 \
		    -D mapreduce.job.output.key.comparator.class=org.apache.hadoop.mapred.lib.KeyFieldBasedComparator \
		    -D "mapreduce.partition.keycomparator.options=$opts" \
		    -input in$seed.txt -mapper cat -numReduceTasks 2 || {
			note "options '$opts'"; st=1; }
	done
	return $st
}

case_random_partitioner_jobs() {
	local seed opts st=0
	for seed in 11 12 13 14; do
		"$WORK/probe" keys $((seed * 5)) "$TAB" 600 >in$seed.txt
		opts=$("$WORK/probe" options "$seed")
		mkdir -p "$dir/p$seed"
		dir=$dir/p$seed both -D stream.num.map.output.key.fields=99 \
		    -D "mapreduce.partition.keypartitioner.options=$opts" \
		    -partitioner org.apache.hadoop.mapred.lib.KeyFieldBasedPartitioner \
		    -input in$seed.txt -mapper cat -numReduceTasks $((seed % 5 + 2)) || {
			note "options '$opts'"; st=1; }
	done
	return $st
}

# Pairwise: lib/keyfield and lib/java against Hadoop's and Java's classes.
case_probes() {
	local mode st=0 refused differ
	for mode in compare partition text strcmp dtoa parsedouble parselong; do
		"$WORK/probe" gen $mode 1$RANDOM 20000 >$mode.in
		"$WORK/probe" $mode <$mode.in >$mode.mr
		oracle $mode <$mode.in >$mode.java
		refused=$(paste -d ' ' $mode.mr $mode.java | grep -c '^ERROR [^E]')
		differ=$(paste -d '|' $mode.mr $mode.java | grep -v '^ERROR|' |
		    mawk -F'|' '$1 != $2' | wc -l)
		note "$mode: 20000 cases, $differ differ${refused:+, $refused refused by mr-tools}"
		if [[ $mode == dtoa ]]; then
			# Java 17 prints a different 17th digit for some doubles of
			# 2^63 and more (lib/java.h); none below.
			differ=$(paste -d '|' $mode.in $mode.mr $mode.java |
			    mawk -F'|' '$2 != $3 && $3 !~ /E(1[89]|[2-9][0-9]|[0-9][0-9][0-9])$/' | wc -l)
		fi
		((differ == 0)) || st=1
	done
	return $st
}

case_shipped_script_without_execute_bit() {
	printf '#!/bin/sh\nsed s/^/x/\n' >s.sh
	chmod 644 s.sh
	words 50 28 >in.txt
	both -files s.sh -input in.txt -mapper s.sh -numReduceTasks 0
}
