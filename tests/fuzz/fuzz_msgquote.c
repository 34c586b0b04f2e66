/*
 * fuzz_msgquote: msg_quote (lib/msg) over any field and buffer size: the
 * text is NUL-terminated within the buffer, holds no control byte and no
 * byte that is not UTF-8, and unescaped gives back the field (or, when cut
 * with "...", a prefix of it).
 *
 * Input: a byte of buffer size (8 to 263), then the field.
 */
#include <string.h>

#include "fuzz.h"
#include "msg.h"

static int
hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c - 'a' + 10;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char buf[264], back[264];
	size_t bufsize, len, n, i, j = 0;
	const char *field;

	if (size < 1)
		return 0;
	bufsize = 8 + (size_t)data[0];
	field = (const char *)data + 1;
	len = size - 1;
	memset(buf, 0x55, sizeof buf);
	msg_quote(buf, bufsize, field, len);
	n = strlen(buf);
	FUZZ_CHECK(n < bufsize);
	for (i = 0; i < n; i++) {
		unsigned char b = (unsigned char)buf[i];

		FUZZ_CHECK(b >= 0x20 && b != 0x7f);
		/* A byte >= 0x80 is part of a UTF-8 character that is no C1. */
		if (b == 0xc2)
			FUZZ_CHECK((unsigned char)buf[i + 1] >= 0xa0);
		FUZZ_CHECK(!(b == 0xc0 || b == 0xc1 || b >= 0xf5));
	}
	/* Unescape: the field, or a prefix of it followed by "...". */
	for (i = 0; i < n; i++) {
		if (buf[i] == '\\') {
			char c = buf[++i];

			if (c == 'x') {
				back[j++] = (char)(hexval(buf[i + 1]) << 4 |
				    hexval(buf[i + 2]));
				i += 2;
			} else
				back[j++] = c == 't' ? '\t' : c == 'r' ? '\r' :
				    c == 'n' ? '\n' : c == '0' ? '\0' : c;
		} else if (n - i == 3 && memcmp(buf + i, "...", 3) == 0 &&
		    !(j + 3 <= len && memcmp(field + j, "...", 3) == 0))
			break;		/* the cut, not the field's own dots */
		else
			back[j++] = buf[i];
	}
	FUZZ_CHECK(j <= len && memcmp(back, field, j) == 0);
	FUZZ_CHECK(i < n || j == len ||
	    memcmp(buf + n - 3, "...", 3) == 0);
	return 0;
}
