/*
 * fuzz_timefmt: timefmt_parse over any field, against a model of the ISO
 * 8601 forms built on libc's timegm and of decimal epoch seconds;
 * every time it accepts comes back the same through timefmt_iso and
 * timefmt_parse; every int64 time does too (the round trip from the
 * formatter's side); timefmt_seconds against the decimal model.
 *
 * The model of the ISO form, after blanks (space, TAB) at both ends:
 * YYYY-MM-DD, then 'T', 't' or ' ', hh:mm:ss, optionally '.' or ',' and
 * one or more digits (the first nine count), optionally 'Z', 'z' or a
 * zone "+hh:mm", "+hhmm" (or '-'); a real date (the month's days, leap
 * years), hh < 24, mm < 60, ss <= 60 (a leap second), zone hours < 24,
 * and the time within int64 nanoseconds.  A field of 11 or more bytes
 * whose fifth is '-' is read as this form or not at all; a shorter one,
 * or one with another fifth byte, as epoch seconds.
 */
#include <string.h>
#include <time.h>

#include "fuzz.h"
#include "timefmt.h"

static int
digits(const char *p, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return 0;
		*v = *v * 10 + (p[i] - '0');
	}
	return 1;
}

static int
month_days(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return days[m - 1] + (m == 2 && leap);
}

/* The ISO form of [P, END) (already trimmed): 1 and *T, or 0. */
static int
model_iso(const char *p, const char *end, int64_t *t)
{
	int y, mo, d, h, mi, s, oh = 0, om = 0, sign = 1, n;
	int64_t ns = 0, scale = 100000000;
	struct tm tm = { 0 };
	__int128 v;

	if (end - p < 19 || !digits(p, 4, &y) || p[4] != '-' ||
	    !digits(p + 5, 2, &mo) || p[7] != '-' || !digits(p + 8, 2, &d) ||
	    (p[10] != 'T' && p[10] != 't' && p[10] != ' ') ||
	    !digits(p + 11, 2, &h) || p[13] != ':' || !digits(p + 14, 2, &mi) ||
	    p[16] != ':' || !digits(p + 17, 2, &s))
		return 0;
	if (mo < 1 || mo > 12 || d < 1 || d > month_days(y, mo) || h > 23 ||
	    mi > 59 || s > 60)
		return 0;
	p += 19;
	if (p < end && (*p == '.' || *p == ',')) {
		p++;
		for (n = 0; p < end && *p >= '0' && *p <= '9'; p++, n++) {
			ns += (*p - '0') * scale;
			scale /= 10;
		}
		if (n == 0)
			return 0;
	}
	if (p < end && (*p == 'Z' || *p == 'z')) {
		p++;
	} else if (p < end && (*p == '+' || *p == '-')) {
		sign = *p++ == '-' ? -1 : 1;
		if (end - p < 2 || !digits(p, 2, &oh) || oh > 23)
			return 0;
		p += 2;
		if (p < end && *p == ':')
			p++;
		if (end - p < 2 || !digits(p, 2, &om) || om > 59)
			return 0;
		p += 2;
	}
	if (p != end)
		return 0;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	v = ((__int128)timegm(&tm) - sign * (oh * 3600 + om * 60)) * 1000000000 + ns;
	if (v > INT64_MAX || v < INT64_MIN)
		return 0;
	*t = (int64_t)v;
	return 1;
}

/*
 * Decimal seconds "[-+]D[.D]", at least one digit, digits after the
 * ninth past the point dropped: 1 and *T (in nanoseconds, saturated far
 * outside int64), or 0 for anything else.
 */
static int
model_decimal(const char *p, const char *end, __int128 *t)
{
	int neg = 0, n = 0;
	__int128 v = 0, scale = 100000000, limit = (__int128)1 << 80;

	if (p < end && (*p == '-' || *p == '+'))
		neg = *p++ == '-';
	for (; p < end && *p >= '0' && *p <= '9'; p++, n++)
		if ((v = v * 10 + (*p - '0')) > limit)
			v = limit;
	v *= 1000000000;
	if (p < end && *p == '.')
		for (p++; p < end && *p >= '0' && *p <= '9'; p++, n++) {
			v += (*p - '0') * scale;
			scale /= 10;
		}
	if (n == 0 || p != end)
		return 0;
	*t = neg ? -v : v;
	return 1;
}

/* timefmt_iso(T) is in the form it promises and parses back to T. */
static void
check_round_trip(int64_t t)
{
	char buf[TIMEFMT_MAX];
	size_t n = timefmt_iso(buf, t);
	int64_t back;

	FUZZ_CHECK(n == strlen(buf) && n >= 20 && n <= 30);
	FUZZ_CHECK(buf[10] == 'T' && buf[n - 1] == 'Z');
	if (n > 20)	/* a fraction, without trailing zeros */
		FUZZ_CHECK(buf[19] == '.' && buf[n - 2] != '0');
	FUZZ_CHECK(timefmt_parse(buf, n, &back) == 0);
	FUZZ_CHECK(back == t);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	int64_t t = 0, want = 0, raw;
	__int128 dec;
	int rc;
	char *arg;

	rc = timefmt_parse(p, size, &t);
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	if (end - p >= 11 && p[4] == '-') {
		int ok = model_iso(p, end, &want);

		FUZZ_CHECK(rc == (ok ? 0 : -1));
		FUZZ_CHECK(!ok || t == want);
	} else {
		int ok = model_decimal(p, end, &dec) && dec >= INT64_MIN &&
		    dec <= INT64_MAX;

		FUZZ_CHECK(rc == (ok ? 0 : -1));
		FUZZ_CHECK(!ok || t == (int64_t)dec);
	}
	if (rc == 0)
		check_round_trip(t);

	if (size >= 8) {
		memcpy(&raw, data, 8);
		check_round_trip(raw);
	}

	/* The same bytes as a duration argument: positive decimal seconds. */
	arg = malloc(size + 1);
	memcpy(arg, data, size);
	arg[size] = '\0';
	rc = timefmt_seconds(arg, &t);
	{
		int ok = arg[0] != '-' && arg[0] != '+' &&
		    model_decimal(arg, arg + strlen(arg), &dec) && dec > 0 &&
		    dec <= INT64_MAX;

		FUZZ_CHECK(rc == (ok ? 0 : -1));
		FUZZ_CHECK(!ok || t == (int64_t)dec);
	}
	free(arg);
	return 0;
}
