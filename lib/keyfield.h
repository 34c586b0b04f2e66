/*
 * keyfield: Hadoop's KeyFieldBasedComparator and KeyFieldBasedPartitioner,
 * the sort(1)-like key specifications of a secondary sort.
 *
 * Options (mapreduce.partition.keycomparator.options,
 * mapreduce.partition.keypartitioner.options) are split into words at
 * blanks (Java's StringTokenizer).  "-n", "-r" and "-nr" are the global
 * flags; "-kSPEC" or "-k SPEC" adds a key specification; every other word
 * is ignored, as Hadoop ignores it.  SPEC is POS1[,POS2] with POS =
 * F[.C][n][r]: field F (from 1), character C (from 1; in POS2, 0 or
 * nothing means the field's last character); n compares numerically, r
 * reverses.  A specification without its own flags takes the global ones;
 * with no specification at all the global flags apply to the whole key.
 *
 * Fields are the key's bytes between occurrences of the key field
 * separator (mapreduce.map.output.key.field.separator, default TAB).
 * Field lengths are counted as KeyFieldHelper.getWordLengths counts them,
 * quirks included: after a separator the next field starts one byte after
 * the separator's first byte, and an empty last field does not exist.  A
 * specification selects the bytes from POS1 to POS2; characters are bytes.
 * A POS1 beyond the key selects nothing, a POS2 beyond it the key's end.
 * A specification that ends before it starts ("-k3,1", "-k2.5,2.3")
 * selects a negative length, as in Hadoop: it compares by that length and
 * hashes no byte.  With n, though, Hadoop's numericalCompare can read
 * bytes past the key for it (isZero), so that its order depends on what
 * follows the key in Hadoop's buffer: such a comparator is refused
 * (numeric_backwards; the partitioner has no n and takes it).
 *
 * Comparison (KeyFieldBasedComparator.compare) goes specification by
 * specification: a key missing the selected part sorts first (last with
 * r); otherwise the parts compare as unsigned bytes, or with n by Hadoop's
 * numericalCompare: an optional '-', then digits with an optional '.',
 * compared digit by digit without converting, where the first non-digit
 * ends the number and "-0" equals "0".  The first specification that
 * differs decides; keys equal in all of them are equal.  Without any
 * specification (no options) keys compare as bytes.
 *
 * Partitioning (KeyFieldBasedPartitioner.getPartition) hashes the selected
 * parts of the key as Hadoop sees it after Text.toString().getBytes():
 * invalid UTF-8 replaced (lib/java).  The hash starts at 0 and goes
 * h = 31*h + b over the bytes of each part in turn (b a signed byte),
 * skipping parts that do not exist; an empty key is partition 0.  With no
 * options at all the partition comes from Java's String.hashCode of the
 * whole key.  The partition is (h & 0x7fffffff) % N.
 * num.key.fields.for.partition=K means the specification -k1,K.
 *
 * keyfield_spec.c reads the specifications; keyfield.c compares and
 * partitions keys by them.
 */
#ifndef MR_KEYFIELD_H
#define MR_KEYFIELD_H

#include <stddef.h>
#include <stdint.h>

struct keyfield_spec {
	int begin_field, begin_char;	/* from 1 */
	int end_field, end_char;	/* 0: the end of the key / of the field */
	int numeric, reverse;
};

struct keyfield {
	struct keyfield_spec *spec;
	size_t n, cap;
	int spec_seen;		/* a -k was given: the key is cut into fields */
	int numeric_backwards;	/* a numeric specification ends before it
				 * starts: no order of Hadoop's to follow */
	char sep[16];		/* the key field separator */
	size_t seplen;
};

/*
 * keyfield_init: no specification yet, separator SEP (SEPLEN bytes, 1 to
 * 15).  Returns 0, or -1 when the separator is empty or too long.
 */
int keyfield_init(struct keyfield *kf, const char *sep, size_t seplen);

/*
 * keyfield_parse: add the specifications of OPTIONS (Hadoop's option
 * string, above).  Returns 0, or -1 with a message in ERR (ERRLEN bytes)
 * for a specification Hadoop would reject, a field or character number
 * below 1, or a number too large.  A comparator checks numeric_backwards
 * after it.
 */
int keyfield_parse(struct keyfield *kf, const char *options, char *err,
    size_t errlen);

/*
 * keyfield_parse_spec: add one POS1[,POS2] specification (the argument of
 * -k) with the global flags NUMERIC and REVERSE for a specification that
 * has none.  Returns 0, or -1 with a message in ERR.
 */
int keyfield_parse_spec(struct keyfield *kf, const char *spec, int numeric,
    int reverse, char *err, size_t errlen);

/*
 * keyfield_sep_arg: the key field separator an option ARG names: ARG, or a
 * TAB for "\t" as typed; NULL when it is empty or longer than 15 bytes.
 */
const char *keyfield_sep_arg(const char *arg);

/* keyfield_add_fields: the specification -k1,K (num.key.fields.for.partition). */
void keyfield_add_fields(struct keyfield *kf, int k);

/* keyfield_free: release the specifications. */
void keyfield_free(struct keyfield *kf);

/* keyfield_active: whether KF has any specification (else: byte order). */
static inline int
keyfield_active(const struct keyfield *kf)
{
	return kf->n > 0;
}

/* keyfield_cmp: KeyFieldBasedComparator on keys A and B: <0, 0 or >0. */
int keyfield_cmp(const struct keyfield *kf, const char *a, size_t alen,
    const char *b, size_t blen);

/*
 * keyfield_partition: KeyFieldBasedPartitioner's partition of KEY among
 * N, with SCRATCH a buffer of at least 3 * LEN bytes (for the UTF-8
 * repair; NULL when the key is known to be valid UTF-8).
 */
unsigned keyfield_partition(const struct keyfield *kf, const char *key,
    size_t len, unsigned n, char *scratch);

#endif
