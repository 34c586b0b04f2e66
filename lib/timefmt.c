/* timefmt: ISO 8601 UTC timestamps (see timefmt.h). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "timefmt.h"

/* Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's algorithm). */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void
civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

size_t
timefmt_iso(char *buf, int64_t t)
{
	int64_t sec = t / NS_PER_SEC, ns = t % NS_PER_SEC, days, y;
	int m, d, secofday, n, digits = 9;

	if (ns < 0) {
		ns += NS_PER_SEC;
		sec--;
	}
	days = sec / 86400;
	secofday = (int)(sec % 86400);
	if (secofday < 0) {
		secofday += 86400;
		days--;
	}
	civil_from_days(days, &y, &m, &d);
	n = snprintf(buf, TIMEFMT_MAX, "%04lld-%02d-%02dT%02d:%02d:%02d",
	    (long long)y, m, d, secofday / 3600, secofday / 60 % 60,
	    secofday % 60);
	if (ns != 0) {
		while (ns % 10 == 0) {
			ns /= 10;
			digits--;
		}
		n += snprintf(buf + n, (size_t)(TIMEFMT_MAX - n), ".%0*lld",
		    digits, (long long)ns);
	}
	buf[n++] = 'Z';
	buf[n] = '\0';
	return (size_t)n;
}

/* The number of days of month M (1-12) of year Y. */
static int
month_days(int64_t y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return days[m - 1] + (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0));
}

/* Exactly N digits at *P as a number; -1 if they are not all digits. */
static int
digits_at(const char **p, const char *end, int n)
{
	int v = 0;

	if (end - *p < n)
		return -1;
	for (; n > 0; n--, (*p)++) {
		if (**p < '0' || **p > '9')
			return -1;
		v = v * 10 + (**p - '0');
	}
	return v;
}

/*
 * Decimal seconds, "[+-]D[.D]" (digits on either side of the point may be
 * missing, not on both), as nanoseconds: digits beyond the ninth after the
 * point are dropped, as in the ISO form.  No exponents, blanks, inf or
 * nan.  -1 when S is not such a number or the time is outside int64.
 */
static int
seconds_to_ns(const char *s, size_t len, int64_t *t)
{
	const char *p = s, *end = s + len;
	__int128 v = 0;
	int64_t scale = NS_PER_SEC / 10;
	int neg = 0, digits = 0;

	if (p < end && (*p == '+' || *p == '-'))
		neg = *p++ == '-';
	for (; p < end && *p >= '0' && *p <= '9'; p++, digits++)
		if ((v = v * 10 + (*p - '0')) > INT64_MAX / NS_PER_SEC + 1)
			return -1;
	v *= NS_PER_SEC;
	if (p < end && *p == '.')
		for (p++; p < end && *p >= '0' && *p <= '9'; p++, digits++) {
			v += (*p - '0') * scale;
			scale /= 10;
		}
	if (p != end || digits == 0)
		return -1;
	if (neg)
		v = -v;
	if (v > INT64_MAX || v < INT64_MIN)
		return -1;
	*t = (int64_t)v;
	return 0;
}

int
timefmt_parse(const char *s, size_t len, int64_t *t)
{
	const char *p = s, *end = s + len;
	int y, mo, d, h, mi, sec, off = 0, sign, oh, om;
	int64_t ns = 0, scale = NS_PER_SEC / 10;
	__int128 v;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	if (end - p < 11 || p[4] != '-')
		return seconds_to_ns(p, (size_t)(end - p), t);
	if ((y = digits_at(&p, end, 4)) < 0 || *p++ != '-' ||
	    (mo = digits_at(&p, end, 2)) < 1 || mo > 12 || p >= end ||
	    *p++ != '-' || (d = digits_at(&p, end, 2)) < 1 || d > month_days(y, mo) ||
	    p >= end || (*p != 'T' && *p != 't' && *p != ' '))
		return -1;
	p++;
	if ((h = digits_at(&p, end, 2)) < 0 || h > 23 || p >= end ||
	    *p++ != ':' || (mi = digits_at(&p, end, 2)) < 0 || mi > 59 ||
	    p >= end || *p++ != ':' || (sec = digits_at(&p, end, 2)) < 0 ||
	    sec > 60)
		return -1;
	if (p < end && (*p == '.' || *p == ',')) {
		p++;
		if (p >= end || *p < '0' || *p > '9')
			return -1;
		for (; p < end && *p >= '0' && *p <= '9'; p++) {
			ns += (*p - '0') * scale;
			scale /= 10;
		}
	}
	if (p < end && (*p == 'Z' || *p == 'z')) {
		p++;
	} else if (p < end && (*p == '+' || *p == '-')) {
		sign = *p++ == '-' ? -1 : 1;
		if ((oh = digits_at(&p, end, 2)) < 0 || oh > 23)
			return -1;
		if (p < end && *p == ':')
			p++;
		if ((om = digits_at(&p, end, 2)) < 0 || om > 59)
			return -1;
		off = sign * (oh * 3600 + om * 60);
	}
	if (p != end)
		return -1;
	/* Years 0000-9999 reach beyond int64 nanoseconds (1677-2262). */
	v = ((__int128)days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 +
	    sec - off) * NS_PER_SEC + ns;
	if (v > INT64_MAX || v < INT64_MIN)
		return -1;
	*t = (int64_t)v;
	return 0;
}

int
timefmt_seconds(const char *arg, int64_t *ns)
{
	size_t len = strlen(arg);

	if (arg[0] == '-' || arg[0] == '+' || seconds_to_ns(arg, len, ns) < 0 ||
	    *ns <= 0)
		return -1;
	return 0;
}

int64_t
timefmt_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * NS_PER_SEC + ts.tv_nsec;
}
