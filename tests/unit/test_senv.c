/* Unit tests of lib/senv: the environment of a task's commands, as Hadoop exports it. */
#include "unit.h"
#include "senv.h"

static void
env_names_are_mangled_per_utf16_unit(void)
{
	static const struct {
		const char *name, *env;
	} t[] = {
		{ "mapreduce.task.id", "mapreduce_task_id" },
		{ "my.custom-prop", "my_custom_prop" },
		{ "caf\xc3\xa9.x", "caf__x" },
		{ "\xf0\x9f\x98\x80.x", "___x" },	/* a surrogate pair: two units */
		{ "A9z", "A9z" },
	};
	char buf[64];
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++)
		CHECK_STR(streaming_env_name(buf, t[i].name), t[i].env);
}

static const char *
env_get(char **env, const char *name)
{
	size_t n = strlen(name);

	for (; *env != NULL; env++)
		if (strncmp(*env, name, n) == 0 && (*env)[n] == '=')
			return *env + n + 1;
	return NULL;
}

static void
the_task_environment_is_hadoops(void)
{
	char *base[] = { "PATH=/bin", "TMPDIR=/t", "my_prop=old", NULL };
	struct sconf c;
	struct sjob j;
	struct stask t = { "job_local_0007", 'm', 3, "/d/in.txt", 10, 20 };
	char err[128], **env;

	sconf_init(&c);
	sconf_set(&c, "my.prop", "new");
	sconf_set(&c, "long.value", "abcdefgh");
	sconf_set(&c, "stream.addenvironment", "HADOOP_ROOT_LOGGER= A=1 B=two words TMPDIR=/x");
	CHECK(sjob_init(&j, &c, err, sizeof err) == 0);
	env = streaming_task_env(base, &c, &j, &t);
	CHECK_STR(env_get(env, "PATH"), "/bin");
	CHECK_STR(env_get(env, "my_prop"), "new");	/* the job's wins */
	CHECK_STR(env_get(env, "long_value"), "abcdefgh");
	CHECK_STR(env_get(env, "mapreduce_task_id"), "task_local_0007_m_000003");
	CHECK_STR(env_get(env, "mapred_tip_id"), "task_local_0007_m_000003");
	CHECK_STR(env_get(env, "mapreduce_task_attempt_id"), "attempt_local_0007_m_000003_0");
	CHECK_STR(env_get(env, "mapred_task_id"), "attempt_local_0007_m_000003_0");
	CHECK_STR(env_get(env, "mapreduce_task_partition"), "3");
	CHECK_STR(env_get(env, "mapreduce_task_ismap"), "true");
	CHECK_STR(env_get(env, "map_input_file"), "file:/d/in.txt");
	CHECK_STR(env_get(env, "mapreduce_map_input_start"), "10");
	CHECK_STR(env_get(env, "map_input_length"), "20");
	CHECK_STR(env_get(env, "HADOOP_ROOT_LOGGER"), "");
	CHECK_STR(env_get(env, "A"), "1");
	CHECK_STR(env_get(env, "B"), "two");	/* a value ends at a space */
	CHECK(env_get(env, "words") == NULL);
	CHECK_STR(env_get(env, "TMPDIR"), "/t");	/* last, from the base */
	streaming_env_free(env);
	sjob_free(&j);
	/* stream.jobconf.truncate.limit cuts every value, the task's too, in
	 * characters (UTF-16 units). */
	sconf_set(&c, "stream.jobconf.truncate.limit", "5");
	sconf_set(&c, "wide", "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9");
	CHECK(sjob_init(&j, &c, err, sizeof err) == 0);
	env = streaming_task_env(base, &c, &j, &t);
	CHECK_STR(env_get(env, "long_value"), "abcde");
	CHECK_STR(env_get(env, "wide"), "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9");
	CHECK_STR(env_get(env, "mapreduce_task_id"), "task_");
	streaming_env_free(env);
	t.kind = 'r';
	t.input = NULL;
	env = streaming_task_env(NULL, NULL, NULL, &t);
	CHECK_STR(env_get(env, "mapred_task_is_map"), "false");
	CHECK(env_get(env, "map_input_file") == NULL);
	streaming_env_free(env);
	sjob_free(&j);
	sconf_free(&c);
}

int
main(void)
{
	unit_module = "senv";
	RUN(env_names_are_mangled_per_utf16_unit);
	RUN(the_task_environment_is_hadoops);
	return unit_done();
}
