/* Unit tests of lib/sstage: stages, failures in words, counter names. */
#include "unit.h"
#include "sstage.h"

static void
stages_are_described_in_words(void)
{
	static const struct {
		enum sstage s;
		int code;
		const char *name, *command, *words;
	} t[] = {
		{ SSTAGE_MAPPER, 3, "mapper", "mapper", "exit status 3" },
		{ SSTAGE_REDUCER, 256 + 9, "reducer", "reducer", "killed by signal 9 (SIGKILL)" },
		{ SSTAGE_MAPPER, 137, "mapper", "mapper", "exit status 137" },
		{ SSTAGE_MAPPER_STOPPED, 256 + 13, "stopped", "mapper", "stopped reading its input (Broken pipe)" },
		{ SSTAGE_COMBINER_STOPPED, 256 + 13, "cstopped", "combiner", "stopped reading its input (Broken pipe)" },
		{ SSTAGE_MERGE, 1, "merge", "", "merging the map outputs failed: exit status 1" },
		{ SSTAGE_SORT, 1, "sort", "", "sort failed: exit status 1" },
	};
	char buf[128];
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		CHECK_STR(streaming_stage_name(t[i].s), t[i].name);
		CHECK_STR(streaming_stage_command(t[i].s), t[i].command);
		streaming_describe(t[i].s, t[i].code, buf, sizeof buf);
		CHECK_STR(buf, t[i].words);
	}
	CHECK_STR(streaming_counter_name(SC_REDUCE_GROUPS), "Reduce input groups");
	CHECK_STR(streaming_counter_group(SC_BYTES_READ), "File Input Format Counters ");
}

int
main(void)
{
	unit_module = "sstage";
	RUN(stages_are_described_in_words);
	return unit_done();
}
