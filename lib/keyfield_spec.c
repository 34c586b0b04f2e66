/*
 * keyfield_spec: the key specifications of Hadoop's KeyFieldBasedComparator
 * and KeyFieldBasedPartitioner read from their option strings (see
 * keyfield.h), as KeyFieldHelper.parseOption and parseKey read them:
 * Java's StringTokenizer words, Integer.parseInt numbers.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "java.h"
#include "keyfield.h"
#include "xalloc.h"

int
keyfield_init(struct keyfield *kf, const char *sep, size_t seplen)
{
	memset(kf, 0, sizeof *kf);
	if (seplen == 0 || seplen >= sizeof kf->sep)
		return -1;
	memcpy(kf->sep, sep, seplen);
	kf->seplen = seplen;
	return 0;
}

const char *
keyfield_sep_arg(const char *arg)
{
	if (strcmp(arg, "\\t") == 0)
		return "\t";
	if (*arg == '\0' || strlen(arg) > 15)
		return NULL;
	return arg;
}

void
keyfield_free(struct keyfield *kf)
{
	free(kf->spec);
	kf->spec = NULL;
	kf->n = kf->cap = 0;
}

static void
add_spec(struct keyfield *kf, const struct keyfield_spec *s)
{
	ARRAY_RESERVE(kf->spec, kf->cap, kf->n + 1);
	kf->spec[kf->n++] = *s;
}

void
keyfield_add_fields(struct keyfield *kf, int k)
{
	struct keyfield_spec s = { 1, 1, k, 0, 0, 0 };

	if (k >= 1) {
		add_spec(kf, &s);
		kf->spec_seen = 1;
	}
}

/* ---- parsing ---- */

/* A token of Java's StringTokenizer(spec, "nr.,", true): a delimiter
 * character, or a run of other characters. */
struct tokens {
	const char *p;
};

static int
next_token(struct tokens *t, char *tok, size_t size)
{
	size_t n = 0;

	if (*t->p == '\0')
		return 0;
	if (strchr("nr.,", *t->p) != NULL) {
		tok[0] = *t->p++;
		tok[1] = '\0';
		return 1;
	}
	while (*t->p != '\0' && strchr("nr.,", *t->p) == NULL) {
		if (n + 1 < size)
			tok[n++] = *t->p;
		t->p++;
	}
	tok[n] = '\0';
	return 1;
}

/* Integer.parseInt of TOK, at least MIN; -1 with a message otherwise. */
static int
parse_number(const char *tok, int min, int *v, const char *spec, char *err,
    size_t errlen)
{
	int64_t x;

	if (java_parse_long(tok, strlen(tok), &x) < 0 || x > INT_MAX ||
	    x < INT_MIN) {
		snprintf(err, errlen, "'%s' is not a key specification ('%s' "
		    "is not a number)", spec, tok);
		return -1;
	}
	if (x < min) {
		snprintf(err, errlen, "'%s' is not a key specification (%s "
		    "must be %d or more)", spec, tok, min);
		return -1;
	}
	*v = (int)x;
	return 0;
}

/* The flags n and r from the token in TOK on: returns 1 at the end of the
 * specification, 0 with TOK the first token that is not a flag. */
static int
flags(struct tokens *t, char *tok, size_t size, struct keyfield_spec *s)
{
	for (;;) {
		if (strcmp(tok, "n") == 0)
			s->numeric = 1;
		else if (strcmp(tok, "r") == 0)
			s->reverse = 1;
		else
			return 0;
		if (!next_token(t, tok, size))
			return 1;
	}
}

/* Whether S ends before it starts ("-k3,1", "-k2.5,2.3"). */
static int
ends_before_start(const struct keyfield_spec *s)
{
	return s->end_field != 0 && (s->end_field < s->begin_field ||
	    (s->end_field == s->begin_field && s->end_char != 0 &&
	    s->end_char < s->begin_char));
}

static int
bad_spec(const char *spec, char *err, size_t errlen)
{
	snprintf(err, errlen, "'%s' is not a key specification (POS1[,POS2], "
	    "POS being FIELD[.CHAR][n][r])", spec);
	return -1;
}

/*
 * One position, FIELD[.CHAR], from the token in TOK on (MIN is the least
 * number, 1 in POS1 and 0 in POS2): -1 after an error, 0 at the end of
 * SPEC, 1 with the token that follows in TOK.
 */
static int
parse_pos(struct tokens *t, char *tok, size_t size, int min, int *field,
    int *chr, const char *spec, char *err, size_t errlen)
{
	if (parse_number(tok, min, field, spec, err, errlen) < 0)
		return -1;
	if (!next_token(t, tok, size))
		return 0;
	if (strcmp(tok, ".") != 0)
		return 1;
	if (!next_token(t, tok, size))
		return bad_spec(spec, err, errlen);
	if (parse_number(tok, min, chr, spec, err, errlen) < 0)
		return -1;
	return next_token(t, tok, size) ? 1 : 0;
}

/* KeyFieldHelper.parseKey: SPEC ("2.3nr,4.5") into *S. */
static int
parse_key(const char *spec, struct keyfield_spec *s, char *err, size_t errlen)
{
	struct tokens t = { spec };
	char tok[64];
	int r;

	memset(s, 0, sizeof *s);
	s->begin_field = 1;
	s->begin_char = 1;
	if (!next_token(&t, tok, sizeof tok))
		return 0;
	if ((r = parse_pos(&t, tok, sizeof tok, 1, &s->begin_field,
	    &s->begin_char, spec, err, errlen)) <= 0)
		return r;
	if (flags(&t, tok, sizeof tok, s))
		return 0;
	if (strcmp(tok, ",") != 0 || !next_token(&t, tok, sizeof tok))
		return bad_spec(spec, err, errlen);
	if ((r = parse_pos(&t, tok, sizeof tok, 0, &s->end_field,
	    &s->end_char, spec, err, errlen)) <= 0)
		return r;
	if (flags(&t, tok, sizeof tok, s))
		return 0;
	return bad_spec(spec, err, errlen);
}

/* Set kf->numeric_backwards if a numeric specification ends before it starts. */
static void
note_numeric_backwards(struct keyfield *kf)
{
	size_t i;

	for (i = 0; i < kf->n; i++)
		if (kf->spec[i].numeric && ends_before_start(&kf->spec[i]))
			kf->numeric_backwards = 1;
}

int
keyfield_parse_spec(struct keyfield *kf, const char *spec, int numeric,
    int reverse, char *err, size_t errlen)
{
	struct keyfield_spec s;

	if (*spec == '\0')
		return bad_spec(spec, err, errlen);
	if (parse_key(spec, &s, err, errlen) < 0)
		return -1;
	if (!s.numeric && !s.reverse) {
		s.numeric = numeric;
		s.reverse = reverse;
	}
	add_spec(kf, &s);
	kf->spec_seen = 1;
	note_numeric_backwards(kf);
	return 0;
}

/* The next blank-separated word of *P (StringTokenizer's default). */
static size_t
next_word(const char **p, const char **word)
{
	const char *s = *p;
	size_t n;

	while (*s != '\0' && strchr(" \t\n\r\f", *s) != NULL)
		s++;
	*word = s;
	n = strcspn(s, " \t\n\r\f");
	*p = s + n;
	return n;
}

int
keyfield_parse(struct keyfield *kf, const char *options, char *err,
    size_t errlen)
{
	struct keyfield_spec global = { 1, 1, 0, 0, 0, 0 };
	size_t first = kf->n, i, n;
	const char *p = options, *w;
	char *word;

	while ((n = next_word(&p, &w)) > 0) {
		word = xmemdup(w, n + 1);
		word[n] = '\0';
		if (strcmp(word, "-n") == 0) {
			global.numeric = 1;
		} else if (strcmp(word, "-r") == 0) {
			global.reverse = 1;
		} else if (strcmp(word, "-nr") == 0) {
			global.numeric = global.reverse = 1;
		} else if (strncmp(word, "-k", 2) == 0) {
			const char *arg = word + 2;
			struct keyfield_spec s;

			if (*arg == '\0') {
				/* "-k SPEC": the next word. */
				if ((n = next_word(&p, &w)) == 0) {
					free(word);
					break;
				}
				free(word);
				word = xmemdup(w, n + 1);
				word[n] = '\0';
				arg = word;
			}
			if (parse_key(arg, &s, err, errlen) < 0) {
				free(word);
				return -1;
			}
			add_spec(kf, &s);
			kf->spec_seen = 1;
		}
		free(word);
	}
	for (i = first; i < kf->n; i++)
		if (!kf->spec[i].numeric && !kf->spec[i].reverse) {
			kf->spec[i].numeric = global.numeric;
			kf->spec[i].reverse = global.reverse;
		}
	if (kf->n == first && (global.numeric || global.reverse))
		add_spec(kf, &global);
	note_numeric_backwards(kf);
	return 0;
}
