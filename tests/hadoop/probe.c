/*
 * probe: the answers of mr-tools' lib/ (keyfield, java) to the probes of
 * make hadoop-check, line for line as tests/hadoop/Oracle.java gives
 * Hadoop's and Java's (see there for the modes and the line format); and
 * the generator of those probes:
 *
 *   probe gen MODE SEED N     N random probe lines for MODE
 *   probe keys SEED SEP N     N random keys of fields separated by SEP
 *   probe options SEED        random KeyFieldBased options mr-tools accept
 *   probe adjacent OPTS SEP FILE   compare lines for the adjacent lines of
 *                             a part file
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "java.h"
#include "keyfield.h"

static size_t
unhex(const char *s, char *out)
{
	size_t n = 0;
	unsigned v;

	if (strcmp(s, "-") == 0)
		return 0;
	for (; s[0] != '\0' && s[1] != '\0'; s += 2) {
		sscanf(s, "%2x", &v);
		out[n++] = (char)v;
	}
	return n;
}

static void
print_hex(const char *p, size_t n)
{
	size_t i;

	if (n == 0)
		fputs("-", stdout);
	for (i = 0; i < n; i++)
		printf("%02x", (unsigned char)p[i]);
}

/* The keyfield of OPTS and SEP (hex), as Oracle.conf configures it. */
static int
setup(struct keyfield *kf, const char *opts, const char *sep, char *buf)
{
	char err[256];
	size_t n = unhex(sep, buf);

	if (keyfield_init(kf, buf, n) < 0)
		return -1;
	if (strncmp(opts, "fields:", 7) == 0) {
		keyfield_add_fields(kf, atoi(opts + 7));
		return 0;
	}
	if (strcmp(opts, "none") == 0)
		return 0;
	buf[unhex(opts, buf)] = '\0';
	return keyfield_parse(kf, buf, err, sizeof err);
}


/* ---- generated cases ---- */

static uint64_t rng = 1;

static unsigned
rnd(unsigned n)
{
	rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned)(rng >> 33) % n;
}

/* Pieces of keys that reach the corners of the numeric comparison, the
 * field arithmetic and UTF-8 repair. */
static const char *const atoms[] = {
	"0", "00", "1", "9", "10", "-", "-0", "-1", ".", "0.0", "-0.0", ".5",
	"5.", "1.50", "1.5", "-.5", "007", "a", "b", "Z", "x1", "1x", "",
	"\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xef\xbf\xbd",
	"\xff", "\xc3", "\xe2\x82", "\xed\xa0\x80", "\xc0\x80", "\x80",
	"123456789", "99", "+1", " ", "1e3", "--1", "0.00001", "..",
};

static void
gen_key(char *out, size_t *n, const char *sep, size_t seplen)
{
	unsigned fields = seplen ? rnd(5) : 0, i, j, parts;

	*n = 0;
	for (i = 0; i <= fields; i++) {
		if (i > 0) {
			memcpy(out + *n, sep, seplen);
			*n += seplen;
		}
		for (parts = rnd(3), j = 0; j < parts; j++) {
			const char *a = atoms[rnd(sizeof atoms / sizeof *atoms)];

			memcpy(out + *n, a, strlen(a));
			*n += strlen(a);
		}
	}
}

static int
gen_pos(char *out, int second)
{
	int n = sprintf(out, "%u", (second ? 0 : 1) + rnd(5));

	if (rnd(3) == 0)
		n += sprintf(out + n, ".%u", (second ? 0 : 1) + rnd(4));
	if (rnd(4) == 0)
		out[n++] = 'n';
	if (rnd(5) == 0)
		out[n++] = 'r';
	out[n] = '\0';
	return n;
}

static void
gen_opts(char *out)
{
	unsigned k = rnd(4), i;
	int n = 0;

	out[0] = '\0';
	if (rnd(4) == 0)
		n += sprintf(out + n, "%s ", (const char *[]){ "-n", "-r", "-nr" }[rnd(3)]);
	for (i = 0; i < k; i++) {
		n += sprintf(out + n, rnd(4) == 0 ? "-k " : "-k");
		n += gen_pos(out + n, 0);
		if (rnd(3) != 0) {
			out[n++] = ',';
			n += gen_pos(out + n, 1);
		}
		out[n++] = ' ';
		out[n] = '\0';
	}
	if (n == 0)
		strcpy(out, "-k1");
}

static void
gen(const char *mode, unsigned count)
{
	static const char *const seps[] = { "\t", "\t", ".", ",", "::", "\xc3\xa9" };
	char k1[4096], k2[4096], opts[512];
	size_t n1, n2;
	unsigned i, c;

	for (i = 0; i < count; i++) {
		const char *sep = seps[rnd(sizeof seps / sizeof *seps)];
		size_t seplen = strlen(sep);

		gen_opts(opts);
		gen_key(k1, &n1, sep, seplen);
		gen_key(k2, &n2, sep, seplen);
		if (strcmp(mode, "compare") == 0) {
			print_hex(opts, strlen(opts));
			putchar(' ');
			print_hex(sep, seplen);
			putchar(' ');
			print_hex(k1, n1);
			putchar(' ');
			print_hex(rnd(8) == 0 ? k1 : k2, rnd(8) == 0 ? n1 : n2);
		} else if (strcmp(mode, "partition") == 0) {
			c = rnd(6);
			if (c == 0)
				fputs("none", stdout);
			else if (c == 1)
				printf("fields:%u", rnd(4));
			else
				print_hex(opts, strlen(opts));
			putchar(' ');
			print_hex(sep, seplen);
			printf(" %u ", 1 + rnd(12));
			print_hex(k1, n1);
		} else if (strcmp(mode, "dtoa") == 0) {
			uint64_t bits = (uint64_t)rnd(1u << 31) << 33 ^ (uint64_t)rnd(1u << 31) << 2 ^ rnd(4);
			double d;

			if (rnd(2) == 0) {	/* short decimals and their sums */
				d = (double)((int)rnd(2000000) - 1000000) / (double)(1u << rnd(12)) / (rnd(2) ? 10.0 : 1.0);
				d = d + (double)rnd(1000) * 0.1;
				memcpy(&bits, &d, sizeof bits);
			}
			printf("%" PRIx64, bits);
		} else if (strcmp(mode, "text") == 0) {
			print_hex(k1, n1);
		} else if (strcmp(mode, "strcmp") == 0) {
			print_hex(k1, n1);
			putchar(' ');
			print_hex(k2, n2);
		} else {
			static const char *const nums[] = { "1", "-1", "+1", "1.5", " 2 ",
			    "1e5", "1E-5", "0x1p3", "0x.8p1", "0x1", "NaN", "-Infinity",
			    "Infinity", "1.5d", "2F", "1.", ".", "", "-", "1e", "1e+",
			    "9223372036854775807", "9223372036854775808",
			    "-9223372036854775808", "00012", "1_000", "\t7\n", "1.5.2" };

			const char *x = nums[rnd(sizeof nums / sizeof *nums)];

			if (rnd(4) == 0) {	/* an atom of the keys */
				gen_key(k1, &n1, "", 0);
				print_hex(k1, n1);
			} else {
				print_hex(x, strlen(x));
			}
		}
		putchar('\n');
	}
}

int
main(int argc, char *argv[])
{
	static char line[1 << 20], a[1 << 19], b[1 << 19], scratch[3 << 19];
	const char *mode = argc > 1 ? argv[1] : "";
	char *f[8], *save;
	int nf;

	if (argc == 5 && strcmp(argv[1], "gen") == 0) {
		rng = strtoull(argv[3], NULL, 10);
		gen(argv[2], (unsigned)atoi(argv[4]));
		return 0;
	}
	if ((argc == 5 || argc == 6) && strcmp(argv[1], "keys") == 0) {
		/* N keys, one a line, fields separated by SEP; with "ids",
		 * six fields each, then a seventh, the line's number. */
		unsigned k, f, n = (unsigned)atoi(argv[4]);
		size_t len;

		rng = strtoull(argv[2], NULL, 10);
		for (k = 0; k < n; k++) {
			if (argc == 6) {
				/* Numbers and words, on which Hadoop's numeric
				 * comparison is a total order. */
				static const char *const tame[] = { "0", "7", "-3", "12",
				    "1.5", "-2.25", "007", "100", "a", "bee", "Z",
				    "\xc3\xa9", "x1", "0.5" };

				for (f = 0; f < 6; f++) {
					fputs(tame[rnd(sizeof tame / sizeof *tame)], stdout);
					fputs(argv[3], stdout);
				}
				printf("%u\n", k + 1);
				continue;
			}
			gen_key(a, &len, argv[3], strlen(argv[3]));
			fwrite(a, 1, len, stdout);
			putchar('\n');
		}
		return 0;
	}
	if (argc == 5 && strcmp(argv[1], "adjacent") == 0) {
		/* compare lines for each two adjacent lines of a part file
		 * (less the TAB that ends each there), with OPTS and SEP. */
		FILE *fp = fopen(argv[4], "r");
		size_t prev = 0, len;
		int have = 0;

		if (fp == NULL)
			return 1;
		while (fgets(line, sizeof line, fp) != NULL) {
			len = strcspn(line, "\n");
			if (len > 0 && line[len - 1] == '\t')
				len--;
			if (have) {
				printf("%s %s ", argv[2], argv[3]);
				print_hex(b, prev);
				putchar(' ');
				print_hex(line, len);
				putchar('\n');
			}
			memcpy(b, line, len);
			prev = len;
			have = 1;
		}
		fclose(fp);
		return 0;
	}
	if (argc == 3 && strcmp(argv[1], "options") == 0) {
		/* Random KeyFieldBased options that mr-tools accept. */
		struct keyfield kf;
		char err[256];

		rng = strtoull(argv[2], NULL, 10);
		do {
			gen_opts(a);
			keyfield_init(&kf, "\t", 1);
		} while ((keyfield_parse(&kf, a, err, sizeof err) < 0 ||
		    kf.numeric_backwards) && (keyfield_free(&kf), 1));
		keyfield_free(&kf);
		puts(a);
		return 0;
	}

	while (fgets(line, sizeof line, stdin) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		for (nf = 0, f[0] = strtok_r(line, " ", &save); f[nf] != NULL && nf < 7;)
			f[++nf] = strtok_r(NULL, " ", &save);
		if (strcmp(mode, "compare") == 0 || strcmp(mode, "partition") == 0) {
			struct keyfield kf;

			if (setup(&kf, f[0], f[1], a) < 0 ||
			    (mode[0] == 'c' && kf.numeric_backwards)) {
				puts("ERROR");
				keyfield_free(&kf);
				continue;
			}
			if (mode[0] == 'c') {
				size_t an = unhex(f[2], a), bn = unhex(f[3], b);
				int c = keyfield_cmp(&kf, a, an, b, bn);

				printf("%d\n", (c > 0) - (c < 0));
			} else {
				size_t n = unhex(f[3], a);

				printf("%u\n", keyfield_partition(&kf, a, n,
				    (unsigned)atoi(f[2]), scratch));
			}
			keyfield_free(&kf);
		} else if (strcmp(mode, "text") == 0) {
			size_t n = unhex(f[0], a), m = java_text_roundtrip(a, n, scratch);

			print_hex(scratch, m);
			printf(" %" PRId32 " %zu\n", java_string_hash(a, n),
			    java_utf16_length(a, n));
		} else if (strcmp(mode, "strcmp") == 0) {
			size_t an = unhex(f[0], a), bn = unhex(f[1], b);

			printf("%d\n", java_string_cmp(a, an, b, bn));
		} else if (strcmp(mode, "dtoa") == 0) {
			uint64_t bits = strtoull(f[0], NULL, 16);
			double d;

			memcpy(&d, &bits, sizeof d);
			java_double_to_string(d, a);
			puts(a);
		} else if (strcmp(mode, "parsedouble") == 0) {
			size_t n = unhex(f[0], a), m = java_text_roundtrip(a, n, b);
			double d;
			uint64_t bits;

			if (java_parse_double(b, m, &d) < 0) {
				puts("NFE");
				continue;
			}
			memcpy(&bits, &d, sizeof bits);
			printf("%" PRIx64 "\n", bits);
		} else if (strcmp(mode, "parselong") == 0) {
			size_t n = unhex(f[0], a), m = java_text_roundtrip(a, n, b);
			int64_t v;

			if (java_parse_long(b, m, &v) < 0)
				puts("NFE");
			else
				printf("%" PRId64 "\n", v);
		} else {
			fprintf(stderr, "probe: unknown mode '%s'\n", mode);
			return 2;
		}
	}
	return 0;
}
