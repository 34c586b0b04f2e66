/*
 * gendata: deterministic benchmark and demo data (a developer tool).
 *
 *   gendata kv N [KEYS]      userNNNNNNN TAB int(0..999) TAB decimal(0..100, 3 places),
 *                            keys uniform over KEYS (default 2000000)
 *   gendata zipf N [KEYS]    the same with Zipf-distributed keys over KEYS (default 10000)
 *   gendata text BYTES       English-like text: Zipf words, punctuation, long and
 *                            short lines, some non-ASCII UTF-8
 *   gendata log N [START]    Apache combined log lines, from epoch START
 *
 * Same arguments, same bytes, on every machine: the generator is splitmix64
 * with a fixed seed, and nothing depends on the C library's rand().
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static uint64_t seed = 0x6d722d746f6f6c73ULL;	/* "mr-tools" */

static uint64_t
next(void)
{
	uint64_t z = (seed += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* A uniform integer in [0, n). */
static uint64_t
below(uint64_t n)
{
	return (uint64_t)(((unsigned __int128)next() * n) >> 64);
}

static double
unit(void)
{
	return (double)(next() >> 11) / 9007199254740992.0;
}

/* Zipf(s = 1) over [0, n): inverse CDF by binary search on a table. */
struct zipf {
	double *cdf;
	uint64_t n;
};

static void
zipf_init(struct zipf *z, uint64_t n, double s)
{
	double sum = 0;
	uint64_t i;

	z->n = n;
	z->cdf = malloc(n * sizeof *z->cdf);
	if (z->cdf == NULL)
		exit(1);
	for (i = 0; i < n; i++)
		z->cdf[i] = (sum += 1.0 / pow((double)(i + 1), s));
	for (i = 0; i < n; i++)
		z->cdf[i] /= sum;
}

static uint64_t
zipf_draw(const struct zipf *z)
{
	double u = unit();
	uint64_t lo = 0, hi = z->n - 1;

	while (lo < hi) {
		uint64_t mid = (lo + hi) / 2;

		if (z->cdf[mid] < u)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Key numbers are scattered so that key order is not draw order. */
static uint64_t
scatter(uint64_t k, uint64_t n)
{
	return (k * 2654435761ULL + 12345) % (n < 10000000 ? 10000000 : n);
}

static void
gen_kv(uint64_t n, uint64_t keys, int zipfian)
{
	struct zipf z;
	uint64_t i, k;

	if (zipfian)
		zipf_init(&z, keys, 1.0);
	for (i = 0; i < n; i++) {
		k = zipfian ? zipf_draw(&z) : below(keys);
		printf("user%07llu\t%llu\t%llu.%03llu\n",
		    (unsigned long long)scatter(k, keys),
		    (unsigned long long)below(1000),
		    (unsigned long long)below(100),
		    (unsigned long long)below(1000));
	}
	if (zipfian)
		free(z.cdf);
}

static const char *common[] = {
	"the", "of", "and", "to", "a", "in", "is", "that", "for", "it", "as",
	"was", "with", "be", "by", "on", "not", "he", "I", "this", "are", "or",
	"his", "from", "at", "which", "but", "have", "an", "had", "they", "you",
	"were", "their", "one", "all", "we", "can", "her", "has", "there",
	"been", "if", "more", "when", "will", "would", "who", "so", "no",
	"time", "people", "data", "system", "report", "meeting", "please",
	"thanks", "Monday", "email", "project", "team", "office", "market",
	"energy", "price", "gas", "power", "contract", "deal", "trading",
	"résumé", "café", "naïve", "über", "coöperate", "São", "Zürich",
};

static const char *syll[] = {
	"ba", "re", "con", "ti", "sta", "per", "mo", "lan", "de", "ver", "pro",
	"ex", "im", "ca", "tion", "ment", "al", "ing", "er", "ous", "ly", "ne",
	"str", "gu", "fa", "lo", "qui", "za", "pha", "tre",
};

static void
make_word(uint64_t rank, char *buf)
{
	size_t ncommon = sizeof common / sizeof common[0];
	size_t nsyll = sizeof syll / sizeof syll[0];
	uint64_t r;

	if (rank < ncommon) {
		strcpy(buf, common[rank]);
		return;
	}
	buf[0] = '\0';
	r = rank * 7919 + 17;
	do {
		strcat(buf, syll[r % nsyll]);
		r /= nsyll;
	} while (r > 0);
}

static void
gen_text(uint64_t bytes)
{
	static const char *punct[] = { ",", ".", ";", ":", "!", "?", "\"", "'s" };
	enum { NWORDS = 60000 };
	static char words[NWORDS][48];
	struct zipf z;
	uint64_t out = 0, linelen, i;
	char line[4096];
	size_t len;

	for (i = 0; i < NWORDS; i++)
		make_word(i, words[i]);
	zipf_init(&z, NWORDS, 1.05);
	while (out < bytes) {
		/* Mostly e-mail-like lines, some short, some long paragraphs. */
		i = below(100);
		linelen = i < 10 ? below(20) : i < 90 ? 40 + below(40) :
		    200 + below(1500);
		len = 0;
		while (len < linelen && len < sizeof line - 64) {
			const char *w = words[zipf_draw(&z)];

			if (len > 0)
				line[len++] = ' ';
			if (below(30) == 0)
				line[len++] = '(';
			len += (size_t)sprintf(line + len, "%s", w);
			if (below(8) == 0)
				len += (size_t)sprintf(line + len, "%s",
				    punct[below(8)]);
		}
		line[len++] = '\n';
		fwrite(line, 1, len, stdout);
		out += len;
	}
	free(z.cdf);
}

static void
gen_log(uint64_t n, time_t start)
{
	static const char *methods[] = { "GET", "GET", "GET", "GET", "POST", "HEAD" };
	static const char *exts[] = { "", ".html", ".css", ".js", ".png", ".php" };
	static const char *agents[] = {
		"Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0 Safari/537.36",
		"curl/8.4.0",
		"Googlebot/2.1 (+http://www.google.com/bot.html)",
	};
	static const char *mon[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
		"Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct zipf paths, clients;
	uint64_t i, p, c, st, size;
	char bytes[24];
	int status;
	struct tm tm;
	time_t t = start;

	zipf_init(&paths, 5000, 1.1);
	zipf_init(&clients, 20000, 0.9);
	for (i = 0; i < n; i++) {
		if (below(4) == 0)
			t++;
		gmtime_r(&t, &tm);
		p = zipf_draw(&paths);
		c = scatter(zipf_draw(&clients), 20000);
		st = below(1000);
		status = st < 850 ? 200 : st < 900 ? 304 : st < 960 ? 404 :
		    st < 975 ? 301 : st < 990 ? 302 : st < 997 ? 500 : 503;
		size = status == 304 ? 0 : 200 + below(2000) +
		    (p % 7 == 0 ? below(200000) : 0);
		/* Apache logs "-" for the size of a response without a body. */
		snprintf(bytes, sizeof bytes, status == 304 ? "-" : "%llu",
		    (unsigned long long)size);
		printf("10.%llu.%llu.%llu - - [%02d/%s/%04d:%02d:%02d:%02d +0000] "
		    "\"%s /%s/item%llu%s HTTP/1.1\" %d %s \"-\" \"%s\"\n",
		    (unsigned long long)(c >> 16 & 255),
		    (unsigned long long)(c >> 8 & 255),
		    (unsigned long long)(c & 255),
		    tm.tm_mday, mon[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour,
		    tm.tm_min, tm.tm_sec, methods[below(6)],
		    p % 3 == 0 ? "static" : p % 3 == 1 ? "api" : "docs",
		    (unsigned long long)p, exts[p % 6], status, bytes,
		    agents[below(4)]);
	}
	free(paths.cdf);
	free(clients.cdf);
}

static uint64_t
arg(int argc, char **argv, int i, uint64_t dflt)
{
	return i < argc ? strtoull(argv[i], NULL, 10) : dflt;
}

int
main(int argc, char **argv)
{
	static char buf[1 << 20];

	setvbuf(stdout, buf, _IOFBF, sizeof buf);
	if (argc < 3) {
		fprintf(stderr, "usage: gendata kv|zipf|text|log N [ARG]\n");
		return 2;
	}
	if (strcmp(argv[1], "kv") == 0)
		gen_kv(arg(argc, argv, 2, 0), arg(argc, argv, 3, 2000000), 0);
	else if (strcmp(argv[1], "zipf") == 0)
		gen_kv(arg(argc, argv, 2, 0), arg(argc, argv, 3, 10000), 1);
	else if (strcmp(argv[1], "text") == 0)
		gen_text(arg(argc, argv, 2, 0));
	else if (strcmp(argv[1], "log") == 0)
		gen_log(arg(argc, argv, 2, 0), (time_t)arg(argc, argv, 3, 1795392000));
	else {
		fprintf(stderr, "gendata: unknown data set '%s'\n", argv[1]);
		return 2;
	}
	return fflush(stdout) == 0 ? 0 : 1;
}
