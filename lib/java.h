/*
 * java: the rules of Java's String, Long and Double that Hadoop's output
 * depends on, for programs that must print what a Hadoop task prints.
 *
 * Hadoop code that turns a Text into a String (Text.toString) decodes its
 * bytes as UTF-8 with the JDK's decoder in REPLACE mode, and code that
 * turns a String back into bytes encodes it as UTF-8.  Invalid input thus
 * changes on the way through: each malformed sequence becomes one U+FFFD
 * (EF BF BD).  What counts as one malformed sequence is the JDK's rule
 * (sun.nio.cs.UTF_8): a byte that cannot start a sequence (80-BF, C0, C1,
 * F5-FF) is one; a lead byte followed by a byte that cannot continue it is
 * one (E0 then 80-9F, F0 then 80-8F, F4 then 90-BF included); a 3-byte
 * form of a surrogate (ED A0-BF ..) is one sequence of 3 bytes; a valid
 * prefix cut off by the end of the input is one.
 *
 * A String is a sequence of UTF-16 code units: hashCode is h = 31*h + unit
 * over them (32-bit, wrapping), compareTo orders them as unsigned 16-bit
 * numbers, which for text outside the Basic Multilingual Plane is not the
 * order of the UTF-8 bytes.
 *
 * Long.parseLong takes an optional sign and decimal digits, nothing else
 * (no spaces), and fails beyond 64 bits.  Double.parseDouble trims bytes
 * <= ' ' at both ends and takes Java's grammar: NaN, Infinity, decimal
 * with an optional exponent, hexadecimal with a binary exponent, and an
 * optional f/F/d/D suffix.  Double.toString prints the shortest decimal
 * that reads back as the same double: plain between 10^-3 and 10^7
 * ("100.0", "0.001"), otherwise "d.dddE-n".
 *
 * JDK 8 to 18 (the Java that Hadoop 2 and 3 run on) print a whole number
 * below 2^63 with all its digits (118325192925115184 as
 * 1.18325192925115184E17, where JDK 19 prints 1.1832519292511518E17);
 * java_double_to_string does the same.
 *
 * Not reproduced: Long.parseLong also takes non-ASCII decimal digits
 * (Arabic-Indic and others), which java_parse_long rejects; the old
 * Double.toString of a few other doubles has a digit more than needed
 * (JDK-4511638), where java_double_to_string prints the shortest form.
 */
#ifndef MR_JAVA_H
#define MR_JAVA_H

#include <stddef.h>
#include <stdint.h>

/* The replacement character U+FFFD in UTF-8. */
#define JAVA_REPLACEMENT "\xEF\xBF\xBD"

/*
 * java_utf8_next: decode the next character of P[0..N) (N > 0) by the
 * JDK's rules into *CP (U+FFFD for a malformed sequence); returns the
 * bytes it consumed.
 */
size_t java_utf8_next(const unsigned char *p, size_t n, uint32_t *cp);

/*
 * java_text_roundtrip: the bytes of new Text(text.toString()): P[0..N)
 * with each malformed sequence replaced by EF BF BD, into OUT (room for
 * 3 * N bytes); returns the length.  Valid UTF-8 comes back unchanged.
 */
size_t java_text_roundtrip(const char *p, size_t n, char *out);

/* java_utf8_valid: whether P[0..N) is valid UTF-8 by the JDK's rules. */
int java_utf8_valid(const char *p, size_t n);

/* java_string_hash: String.hashCode of the decoded P[0..N). */
int32_t java_string_hash(const char *p, size_t n);

/*
 * java_string_cmp: the sign of String.compareTo between the decoded A and
 * B (UTF-16 code unit order).
 */
int java_string_cmp(const char *a, size_t alen, const char *b, size_t blen);

/* java_utf16_length: the String length (UTF-16 code units) of P[0..N). */
size_t java_utf16_length(const char *p, size_t n);

/* java_parse_long: Long.parseLong of P[0..N) into *V; 0, or -1 (NFE). */
int java_parse_long(const char *p, size_t n, int64_t *v);

/* java_parse_double: Double.parseDouble of P[0..N) into *V; 0, or -1. */
int java_parse_double(const char *p, size_t n, double *v);

/* Room for any java_double_to_string result and its NUL. */
#define JAVA_DOUBLE_MAX 32

/* java_double_to_string: Double.toString(V) into BUF; returns its length. */
size_t java_double_to_string(double v, char *buf);

#endif
