#!/usr/bin/env python3
"""json_model: JSON lines for the differential test of mr-map -j against
Python's json module (tests/json.bats).

usage: json_model.py gen SEED COUNT INPUT EXPECTED
       json_model.py check EXPECTED OUTPUT

Writes COUNT lines to INPUT, each {"n": I, "v": VALUE} with VALUE drawn
adversarially (deep and empty containers, every escape, surrogate pairs
and lone surrogates, 1- to 4-byte UTF-8 and bytes that are not UTF-8,
numbers of every JSON form,
duplicate members), laid out with random white space, and half of the
lines then mutated (bytes flipped, inserted, deleted, cut, repeated) so
that many are no longer valid JSON.

EXPECTED gets what `mr-map -j -K n -V v` must write for them, decided by
Python: a line is valid if it is UTF-8 and json.loads takes it (without
NaN or Infinity, which JSON lacks); a valid line with both paths gives
"N TAB V", V in mr-map's form: a string decoded (a lone surrogate as
U+FFFD) with backslash, TAB, CR, LF and NUL escaped; a number or literal
as written; an object or array as its text (as Python does not keep the
text, EXPECTED has "JSON " and the value's canonical form, and "check"
compares by value).  The last line of EXPECTED is "records in R, out W,
skipped S".

"check" compares mr-map's OUTPUT with EXPECTED (less its last line) and
prints the first difference; status 1 if there is one.
"""
import json
import random
import sys


class Raw(str):
    """A number as written in the line."""


def reject_constant(name):
    raise ValueError("not JSON: " + name)


def decode(line):
    """The value of a line as Python's json reads it, or None if invalid."""
    try:
        text = line.decode("utf-8")
        return json.loads(text, parse_int=Raw, parse_float=Raw,
                          parse_constant=reject_constant)
    except (ValueError, RecursionError):
        return None


def emit_string(s):
    out = []
    for ch in s:
        if 0xD800 <= ord(ch) <= 0xDFFF:
            ch = "\ufffd"
        out.append({"\\": "\\\\", "\t": "\\t", "\r": "\\r", "\n": "\\n",
                    "\0": "\\0"}.get(ch, ch))
    return "".join(out).encode("utf-8")


def canonical(v):
    """One text per value: numbers by their text, members in order."""
    if isinstance(v, Raw):
        return "N:" + v
    if isinstance(v, str):
        return "S:" + repr(v)
    if isinstance(v, list):
        return "[" + ",".join(canonical(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ",".join(repr(k) + ":" + canonical(x)
                              for k, x in v.items()) + "}"
    return repr(v)


def emit(v):
    """mr-map's field for V; a container as "JSON " and its canonical form."""
    if isinstance(v, Raw):
        return v.encode()
    if isinstance(v, str):
        return emit_string(v)
    if v is True:
        return b"true"
    if v is False:
        return b"false"
    if v is None:
        return b"null"
    return b"JSON " + canonical(v).encode("utf-8", "surrogatepass")


# Bytes that are not UTF-8 (overlong, surrogates, beyond U+10FFFF, cut
# short, stray), put in strings through placeholder code points.
RAW = [b"\xc0\x80", b"\xc1\xbf", b"\xe0\x80\x80", b"\xed\xa0\x80",
       b"\xed\xbf\xbf", b"\xf0\x80\x80\x80", b"\xf4\x90\x80\x80",
       b"\xf5\x80\x80\x80", b"\xff", b"\xfe", b"\x80", b"\xbf", b"\xc3",
       b"\xe2\x82", b"\xf0\x9f\x98", b"\xc3\x28"]
RAW_BASE = 0xF0000


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)

    def ws(self):
        return self.r.choice(["", "", "", " ", "\t", "  ", "\r", " \t "])

    def number(self):
        r = self.r
        intpart = r.choice(["0", str(r.randint(1, 9)),
                            str(r.randint(1, 10**r.randint(1, 40)))])
        s = r.choice(["", "-"]) + intpart
        if r.random() < 0.4:
            s += "." + "".join(r.choice("0123456789")
                               for _ in range(r.randint(1, 20)))
        if r.random() < 0.3:
            s += r.choice("eE") + r.choice(["", "+", "-"]) + str(r.randint(0, 400))
        return s

    def char(self):
        r = self.r
        k = r.random()
        if k < 0.4:
            return r.choice("abcxyz019 .,:{}[]/'")
        if k < 0.55:
            return r.choice(['\\"', "\\\\", "\\/", "\\b", "\\f", "\\n",
                             "\\r", "\\t"])
        if k < 0.7:
            cp = r.choice([0, 9, 10, 13, 0x1F, 0x7F, 0xE9, 0x2028, 0xFFFD,
                           0xFFFF, r.randint(0, 0xFFFF)])
            if 0xD800 <= cp <= 0xDFFF:
                cp = 0x41
            return "\\u%04x" % cp if r.random() < 0.5 else "\\u%04X" % cp
        if k < 0.705:
            return chr(RAW_BASE + r.randrange(len(RAW)))
        if k < 0.78:
            hi = r.randint(0xD800, 0xDBFF)
            lo = r.randint(0xDC00, 0xDFFF)
            return r.choice(["\\u%04x\\u%04x" % (hi, lo),   # a pair
                             "\\u%04x" % hi,               # lone high
                             "\\u%04x" % lo,               # lone low
                             "\\u%04xx" % hi,
                             "\\u%04x\\n" % hi,
                             "\\u%04x\\u%04x" % (hi, hi)])
        cp = r.choice([0xE9, 0x20AC, 0x1F600, 0x10FFFF, 0x80, 0x7FF, 0x800,
                       0xFFFF, 0x10000, r.randint(0x80, 0xD7FF)])
        return chr(cp)

    def string(self):
        return '"' + "".join(self.char() for _ in range(self.r.randint(0, 8))) + '"'

    def value(self, depth=0):
        r = self.r
        k = r.random()
        if depth > 6 or k < 0.3:
            return r.choice([self.number, self.string, self.string,
                             lambda: r.choice(["true", "false", "null"])])()
        if k < 0.65:
            items = [self.ws() + self.value(depth + 1) + self.ws()
                     for _ in range(r.randint(0, 4))]
            return "[" + ",".join(items) + self.ws() + "]"
        members = []
        for _ in range(r.randint(0, 4)):
            name = r.choice([self.string(), '"a"', '"v"', '"n"'])
            members.append(self.ws() + name + self.ws() + ":" + self.ws() +
                           self.value(depth + 1) + self.ws())
        return "{" + ",".join(members) + self.ws() + "}"

    def mutate(self, b):
        r = self.r
        b = bytearray(b)
        for _ in range(r.randint(1, 3)):
            op = r.randrange(5)
            i = r.randrange(len(b) + 1)
            if op == 0 and i < len(b):
                b[i] = r.choice([0, 0x7F, 0x80, 0xBF, 0xC0, 0xC3, 0xE0, 0xED,
                                 0xF4, 0xF5, 0xFF, ord('"'), ord("\\"),
                                 ord(","), ord("}"), ord("]"), ord("0"),
                                 ord("e"), ord("-"), ord(" "), r.randrange(256)])
            elif op == 1:
                b[i:i] = bytes([r.choice([0, 9, 13, 0x20, 0x22, 0x5C, 0x2C,
                                          0x7B, 0x5B, 0x3A, 0xFF, 0xC3,
                                          r.randrange(256)])])
            elif op == 2 and i < len(b):
                del b[i]
            elif op == 3:
                del b[i:]
            elif op == 4 and i < len(b):
                j = r.randrange(i, len(b))
                b[j:j] = b[i:j + 1]
        return bytes(b).replace(b"\n", b" ")

    def line(self, i):
        r = self.r
        v = self.value()
        parts = ['"n"' + self.ws() + ":" + self.ws() + str(i),
                 '"v"' + self.ws() + ":" + self.ws() + v]
        if r.random() < 0.1:
            parts.append('"v":' + self.value())          # a duplicate
        if r.random() < 0.2:
            r.shuffle(parts)
        text = self.ws() + "{" + ",".join(parts) + "}" + self.ws()
        b = text.encode("utf-8", "surrogatepass")
        for n, raw in enumerate(RAW):
            b = b.replace(chr(RAW_BASE + n).encode(), raw)
        if r.random() < 0.5:
            b = self.mutate(b)
        if b.startswith(b"\xef\xbb\xbf"):
            b = b" " + b          # a BOM only counts at the input's start
        return b


def check(exppath, outpath):
    with open(exppath, "rb") as f:
        want = f.read().split(b"\n")[:-2]
    with open(outpath, "rb") as f:
        got = f.read().split(b"\n")
    if got[-1] != b"":
        print("output does not end with a newline")
        return 1
    got.pop()
    for i in range(max(len(want), len(got))):
        w = want[i] if i < len(want) else b"(nothing)"
        g = got[i] if i < len(got) else b"(nothing)"
        if w == g:
            continue
        wf, gf = w.split(b"\t"), g.split(b"\t")
        if len(wf) == len(gf) == 2 and all(
                a == b or (a.startswith(b"JSON ") and
                           a[5:] == canonical(decode(b)).encode("utf-8",
                                                               "surrogatepass"))
                for a, b in zip(wf, gf)):
            continue
        print("output line %d differs:\n  want %r\n  got  %r" % (i + 1, w, g))
        return 1
    return 0


def generate(seed, count, inpath, exppath):
    g = Gen(seed)
    out = 0
    with open(inpath, "wb") as fin, open(exppath, "wb") as fexp:
        for i in range(count):
            line = g.line(i)
            fin.write(line + b"\n")
            # The record reader drops one '\r' before the newline.
            rec = line[:-1] if line.endswith(b"\r") else line
            v = decode(rec)
            if isinstance(v, dict) and "n" in v and "v" in v:
                fexp.write(emit(v["n"]) + b"\t" + emit(v["v"]) + b"\n")
                out += 1
        fexp.write(b"records in %d, out %d, skipped %d\n"
                   % (count, out, count - out))


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "gen":
        generate(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5])
    elif len(sys.argv) == 4 and sys.argv[1] == "check":
        sys.exit(check(sys.argv[2], sys.argv[3]))
    else:
        sys.exit(__doc__)
