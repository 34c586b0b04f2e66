/*
 * timefmt: timestamps as ISO 8601 UTC text and back.
 *
 * Times are nanoseconds since the Unix epoch (int64_t: good until 2262).
 */
#ifndef MR_TIMEFMT_H
#define MR_TIMEFMT_H

#include <stddef.h>
#include <stdint.h>

#define TIMEFMT_MAX 48		/* room for any timefmt_iso output and a NUL */
#define NS_PER_SEC 1000000000LL

/*
 * timefmt_iso: T as "2026-11-23T10:15:00Z", with a fraction of a second
 * ("...:00.25Z") only when T has one.  Returns the length (NUL-terminated).
 */
size_t timefmt_iso(char *buf, int64_t t);

/*
 * timefmt_parse: S[0..LEN), blanks around it aside, as a time: decimal
 * epoch seconds ("1795428900", "1795428900.5", "-1.5"; no exponent) or
 * ISO 8601 ("2026-11-23T10:15:00Z", "2026-11-23 10:15:00.250+01:00"; no
 * zone means UTC; a real date, a second up to 60).  Digits of a fraction
 * beyond the ninth are dropped.
 * Returns 0, or -1 when S is neither or lies outside int64 nanoseconds
 * (before 1677-09-21, after 2262-04-11).
 */
int timefmt_parse(const char *s, size_t len, int64_t *t);

/*
 * timefmt_seconds: a positive duration in seconds, decimals allowed
 * ("60", "0.5"; no sign or blank; digits beyond the ninth after the point
 * are dropped), as nanoseconds.  Returns 0, or -1.
 */
int timefmt_seconds(const char *arg, int64_t *ns);

/* timefmt_now: the current real time. */
int64_t timefmt_now(void);

#endif
