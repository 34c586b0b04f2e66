#!/usr/bin/env python3
"""exact: mr-reduce's and mr-sort -n's numbers against arbitrary precision.

usage: exact.py [--seed N] [--rounds N] [--seconds S] [--bin DIR] CHECK...

CHECKs:
  reduce   every operation of mr-reduce over adversarial groups, in sorted
           mode, -H, -j 2, -H -j 2, a window, --top, and the sums fast path
  errors   the first bad number stops each mode with its line and message
  sort     mr-sort -n (with -r, -V, and -S for the external merge)

A generator draws numbers near the edges of the integer types (+-2^63,
+-2^64, +-10^18, +-10^38, 2^127), runs of them that cross an edge and come
back, every scale from 0 to 38, and each way of writing a number (leading
zeros, "+", "-0", ".5", "5.", exponents, inf, nan, blanks), beside texts
that are not numbers or need more than 38 digits.  The expected output is
computed here, independently of the C code, with fractions.Fraction and
decimal.Decimal, from the rules of man/mr-reduce.1 and man/mr-sort.1.
Each round uses the seed SEED + round; --seconds bounds the rounds by time
(make fuzz).  A difference prints the input of the group and both answers,
and the status is 1.
"""
import argparse
import functools
import math
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from fractions import Fraction

INF, NAN = float("inf"), float("nan")
MAX_DIGITS = 38

# ---- the reference: what is a number, and its value ----

NUMBER = re.compile(rb"[ \t]*([+-]?)(?:(\d+)(?:\.(\d*))?|\.(\d+))(?:[eE]([+-]?\d+))?[ \t]*\Z")
SPECIAL = re.compile(rb"[ \t]*([+-]?)(inf|infinity|nan)[ \t]*\Z", re.I)


@functools.lru_cache(maxsize=1 << 16)
def parse(text):
    """('ok', value), ('bad', None) or ('long', None) for a field's bytes.

    A value is a Fraction, or a float for inf, -inf and nan.  A number is
    exact when some scale s from 0 to 38 makes value * 10^s an integer
    below 10^38 in magnitude; other numbers need more than 38 digits.
    """
    m = SPECIAL.match(text)
    if m:
        if m.group(2).lower() == b"nan":
            return "ok", NAN
        return "ok", -INF if m.group(1) == b"-" else INF
    v = number_value(text)
    if v is None:
        return "bad", None
    if v == "huge":
        return "long", None
    for s in range(MAX_DIGITS + 1):
        scaled = v * 10**s
        if scaled.denominator == 1:
            return ("ok", v) if abs(scaled) < 10**MAX_DIGITS else ("long", None)
    return "long", None


def number_value(text):
    """The Fraction of a decimal number's text, "huge" for an exponent
    beyond a million (not exact whatever its digits), None if not one."""
    m = NUMBER.match(text)
    if not m:
        return None
    sign, whole, frac = m.group(1), m.group(2) or b"", m.group(3) or m.group(4) or b""
    digits = int(whole + frac)
    exp = int(m.group(5) or b"0") - len(frac)
    if digits == 0:
        return Fraction(0)
    if abs(exp) > 10**6:
        return "huge"
    v = Fraction(digits) * Fraction(10)**exp
    return -v if sign == b"-" else v


def is_special(v):
    return isinstance(v, float)


def order_key(v):
    """The total order of mr-reduce: -inf < numbers < inf < nan."""
    if not is_special(v):
        return (1, v)
    if math.isnan(v):
        return (3, 0)
    return (0, 0) if v < 0 else (2, 0)


# ---- the reference: how results print ----

def fmt_terminating(v):
    """An exact Fraction whose decimal expansion ends, shortest form."""
    k = 0
    while (v * 10**k).denominator != 1:
        k += 1
    m = int(v * 10**k)
    digits = str(abs(m)).rjust(k + 1, "0")
    text = digits[:len(digits) - k] + ("." + digits[len(digits) - k:] if k else "")
    return ("-" if m < 0 else "") + text


def ends(v):
    d = v.denominator
    for p in (2, 5):
        while d % p == 0:
            d //= p
    return d == 1


def floor_log10(a):
    """floor(log10(a)) of a positive Fraction, exactly."""
    e = len(str(a.numerator)) - len(str(a.denominator))
    while Fraction(10)**e > a:
        e -= 1
    while Fraction(10)**(e + 1) <= a:
        e += 1
    return e


def fmt_g17(neg, q, e):
    """The 17-digit Q * 10^(e-16) as C's %.17g writes it."""
    if -4 <= e <= 16:
        return fmt_terminating(Fraction(-q if neg else q) * Fraction(10)**(e - 16))
    d = str(q).rstrip("0")
    mant = d[0] + ("." + d[1:] if len(d) > 1 else "")
    return "%s%se%s%02d" % ("-" if neg else "", mant, "-" if e < 0 else "+", abs(e))


def fmt_ratio(v):
    """A Fraction: exact if it ends, else half-even to 17 digits, %.17g."""
    if v == 0:
        return "0"
    if ends(v):
        return fmt_terminating(v)
    a = abs(v)
    e = floor_log10(a)
    scaled = a * Fraction(10)**(16 - e)
    q = math.floor(scaled)
    rest = scaled - q
    if rest > Fraction(1, 2) or (rest == Fraction(1, 2) and q % 2 == 1):
        q += 1
    if q == 10**17:
        q, e = 10**16, e + 1
    return fmt_g17(v < 0, q, e)


def fmt_sqrt(v):
    """The square root of a Fraction v >= 0, by the same rule."""
    if v == 0:
        return "0"
    rn, rd = math.isqrt(v.numerator), math.isqrt(v.denominator)
    if rn * rn == v.numerator and rd * rd == v.denominator:
        return fmt_ratio(Fraction(rn, rd))
    # 10^e <= sqrt(v) < 10^(e+1)  <=>  10^(2e) <= v < 10^(2e+2)
    e = floor_log10(v) // 2
    x = v * Fraction(10)**(2 * (16 - e))
    q = math.isqrt(math.floor(x))
    if x > Fraction(2 * q + 1, 2)**2:
        q += 1
    if q == 10**17:
        q, e = 10**16, e + 1
    return fmt_g17(False, q, e)


def fmt_value(v):
    if is_special(v):
        return "nan" if math.isnan(v) else "inf" if v > 0 else "-inf"
    return fmt_terminating(v)


def stand_in(v):
    """IEEE arithmetic of the specials: exact values count as 0.0."""
    return v if is_special(v) else 0.0


# ---- the reference: the operations ----

def quantile(vals, pct):
    pos = (len(vals) - 1) * pct
    lo, f = pos // 100, pos % 100
    a = vals[lo]
    if f == 0:
        return a
    b = vals[lo + 1]
    if is_special(a) or is_special(b):
        return (1 - f / 100.0) * stand_in(a) + f / 100.0 * stand_in(b)
    return a + (b - a) * Fraction(f, 100)


def minus(a, b):
    if is_special(a) or is_special(b):
        return stand_in(a) - stand_in(b)
    return a - b


def special_sum(vals):
    s = [v for v in vals if is_special(v)]
    if not s:
        return None
    if any(math.isnan(v) for v in s) or (INF in s and -INF in s):
        return NAN
    return s[0]


def variance(vals, sample):
    n = len(vals)
    if sample and n < 2:
        return NAN
    if any(is_special(v) for v in vals):
        return NAN
    mean = sum(vals) / n
    return sum((v - mean)**2 for v in vals) / (n - 1 if sample else n)


def result(op, texts, vals, ordered):
    """The text mr-reduce prints for OP over the group (ORDERED: VALS
    sorted by order_key)."""
    name = op.split(":")[0]
    n = len(vals)
    if name == "count":
        return str(n)
    if name in ("sum", "mean"):
        sp = special_sum(vals)
        if sp is not None:
            return fmt_value(sp)
        return fmt_value(sum(vals)) if name == "sum" else fmt_ratio(sum(vals) / n)
    if name == "min":
        return fmt_value(ordered[0])
    if name == "max":
        return fmt_value(ordered[-1])
    if name == "range":
        return fmt_value(minus(ordered[-1], ordered[0]))
    pct = {"median": 50, "q1": 25, "q3": 75}.get(name)
    if name.startswith("p") and name[1:].isdigit():
        pct = int(name[1:])
    if pct is not None:
        return fmt_value(quantile(ordered, pct))
    if name == "iqr":
        return fmt_value(minus(quantile(ordered, 75), quantile(ordered, 25)))
    if name == "mode":
        best, bestn, i = None, 0, 0
        while i < n:
            j = i
            while j < n and order_key(ordered[j]) == order_key(ordered[i]):
                j += 1
            if j - i > bestn:
                best, bestn = ordered[i], j - i
            i = j
        return fmt_value(best)
    if name in ("svar", "pvar"):
        v = variance(vals, name == "svar")
        return fmt_value(v) if is_special(v) else fmt_ratio(v)
    if name in ("sstdev", "pstdev"):
        v = variance(vals, name == "sstdev")
        return fmt_value(v) if is_special(v) else fmt_sqrt(v)
    if name == "first":
        return texts[0].decode("latin-1")
    if name == "last":
        return texts[-1].decode("latin-1")
    if name == "unique":
        return ",".join(t.decode("latin-1") for t in sorted(set(texts)))
    if name == "countunique":
        return str(len(set(texts)))
    if name == "collapse":
        return ",".join(t.decode("latin-1") for t in texts)
    raise ValueError(op)


def field_of(op):
    return int(op.split(":")[1]) if ":" in op else 1


def reduce_reference(records, ops, top=0):
    """Expected output lines of mr-reduce -b OPS, and (skip count, line of
    the first skipped record).

    RECORDS are (key, [field bytes]) in input order.  A record whose
    numeric field is bad or too long is skipped; keys come out in byte
    order, or with TOP the TOP keys of largest first result.
    """
    groups, skipped, first = {}, 0, 0
    numeric = {field_of(op) for op in ops
               if op.split(":")[0] not in ("count", "first", "last", "unique",
                                          "countunique", "collapse")}
    for line, (key, fields) in enumerate(records, 1):
        parsed = {f: parse(fields[f - 1]) for f in numeric}
        if any(p[0] != "ok" for p in parsed.values()):
            skipped += 1
            first = first or line
            continue
        g = groups.setdefault(key, {})
        for f in range(1, len(fields) + 1):
            t, v = g.setdefault(f, ([], []))
            t.append(fields[f - 1])
            if f in parsed:
                v.append(parsed[f][1])
    lines = {}
    for key, g in groups.items():
        res = []
        ordered = {f: sorted(v, key=order_key) for f, (t, v) in g.items()}
        for op in ops:
            texts, vals = g[field_of(op)]
            res.append(result(op, texts, vals, ordered[field_of(op)]))
        lines[key] = res
    keys = sorted(lines)
    if top:
        def rank(k):
            """Largest first, nan last; sorted() keeps key order on ties."""
            text = lines[k][0].encode()
            kind, v = parse(text)
            if kind == "long":
                v = number_value(text)
            if not is_special(v):
                return (1, -v)
            return (3, 0) if math.isnan(v) else (0, 0) if v > 0 else (2, 0)
        keys = sorted(keys, key=rank)[:top]
    out = [key.decode("latin-1") + "\t" + "\t".join(lines[key]) for key in keys]
    return out, (skipped, first)


# ---- the generator ----

EDGES = [2**63, 2**64, 10**18, 10**19, 2**127, 10**38, 10**37, 5 * 10**37,
         2**53, 2**31, 2**32, 9 * 10**18]


def with_point(m, scale):
    """The integer M written with SCALE places."""
    s = str(abs(m)).rjust(scale + 1, "0")
    if scale:
        s = s[:len(s) - scale] + "." + s[len(s) - scale:]
    return ("-" if m < 0 else "") + s


def rewrite(rng, text):
    """Another way of writing the plain number TEXT (same value)."""
    neg = text.startswith("-")
    body = text[1:] if neg else text
    ip, _, fp = body.partition(".")
    way = rng.randrange(9)
    if way == 0:
        body = "0" * rng.randint(1, 25) + body
    elif way == 1 and "." in body:
        body = body + "0" * rng.randint(1, 30)
    elif way == 2:
        if ip == "0" and fp:
            body = "." + fp
        elif not fp:
            body = ip + "."
    elif way in (3, 4):
        # Move the point K places and say so in an exponent.
        k = rng.randint(-45, 45)
        digits = ip + fp
        point = len(ip) - k
        if point <= 0:
            mant = "0." + "0" * -point + digits
        elif point >= len(digits):
            mant = digits + "0" * (point - len(digits))
        else:
            mant = digits[:point] + "." + digits[point:]
        e = rng.choice("eE")
        sign = "+" if k >= 0 and rng.random() < 0.5 else ""
        body = "%s%s%s%d" % (mant, e, sign, k)
    elif way == 5:
        return " " * rng.randint(1, 2) + text + " " * rng.randint(0, 2)
    elif way == 6 and not neg:
        return "+" + body
    return ("-" if neg else "") + body


def plain_number(rng, kind=None):
    kind = kind or rng.choice(["small", "small", "edge", "edge", "long", "scale18"])
    if kind == "small":
        return with_point(rng.randint(-1000, 1000), rng.choice([0, 0, 1, 2, 3]))
    if kind == "edge":
        m = rng.choice(EDGES) + rng.randint(-3, 3)
        if rng.random() < 0.5:
            m = -m
        return with_point(m, rng.choice([0, 0, 0, 1, 2, 9, 18, rng.randint(0, 38)]))
    if kind == "scale18":
        return with_point(rng.randint(-10**18, 10**18), rng.randint(0, 18))
    nd = rng.randint(1, 38)
    m = rng.randint(10**(nd - 1), 10**nd - 1) * rng.choice([1, -1])
    return with_point(m, rng.randint(0, 38))


BAD = ["", " ", "x", "1x", "x1", "--1", "+-1", "1e", "1e+", "e5", ".", "+", "-",
       "0x10", "1,5", "nan(1)", "1 2", "1\x002", "\x00", "1\x00", "1..2",
       "\xff", "inf inity", "1e5.5", "\xb9", "1_000", "infinit", "nana", "0b1",
       "1e--5", ".e1", "- 1"]

LONG = ["1" + "0" * 38, "1e38", "-1e38", "1e-39", "1.5e-38", "1e400", "-1e400",
        "1e-400", "1e308", "123456789012345678901234567890123456789",
        "12345678901234567890123456789012345678901234567890",
        "0." + "0" * 38 + "1", "1." + "0" * 37 + "1",
        str(2**127), str(2**128), "-" + str(2**127 + 1),
        "9" * 39, "99999999999999999999999999999999999999.9"]

ZERO = ["0", "-0", "+0", "0.000", "-0.0e5", ".0", "0.", "00", "0e999999999999999999999",
        "-0e-99999", "0.000000000000000000000000000000000000000000000000"]

SPECIALS = ["inf", "-inf", "+inf", "Infinity", "-INFINITY", "INF", "nan", "NaN",
            "-nan", "+NAN"]


def number(rng, bad_rate=0.02):
    r = rng.random()
    if r < bad_rate:
        return rng.choice(BAD)
    if r < 2 * bad_rate:
        return rng.choice(LONG)
    if r < 0.06:
        return rng.choice(ZERO)
    text = plain_number(rng)
    if rng.random() < 0.3:
        text = rewrite(rng, text)
    return text


def crossing_run(rng):
    """Values whose running sum crosses an edge and comes back."""
    edge = rng.choice([2**62, 2**63, 10**18, 2**126, 5 * 10**37, 8 * 10**37])
    scale = rng.choice([0, 0, 1, 18, rng.randint(0, 38)])
    m = edge + rng.randint(-5, 5)
    up = [m] * rng.randint(2, 4)
    down = [-m] * len(up)
    mid = [rng.randint(-999, 999) for _ in range(rng.randint(0, 3))]
    seq = up + mid + down
    if rng.random() < 0.5:
        seq = [-x for x in seq]
    out = []
    for x in seq:
        s = scale if rng.random() < 0.8 else rng.randint(0, 38)
        text = with_point(x, s)
        # Keep the value in range at that scale; a few go too long.
        if len(text.lstrip("-").replace(".", "").lstrip("0")) > 38 and rng.random() < 0.8:
            text = with_point(x, 0)
        out.append(text)
    return out


def group(rng):
    style = rng.choice(["mixed", "mixed", "cross", "fast", "special", "scales",
                        "magnitude", "nines"])
    size = rng.choice([1, 1, 2, 2, 3, 4, 5, 7, 10, 16, 30, rng.randint(50, 150)])
    if style == "cross":
        vals = crossing_run(rng)
    elif style == "fast":
        s = rng.choice([0, 0, 2, 3])
        vals = [with_point(rng.randint(-10**6, 10**6), s) for _ in range(size)]
        if rng.random() < 0.5:
            vals.insert(rng.randrange(len(vals) + 1), plain_number(rng, "edge"))
    elif style == "special":
        vals = [number(rng) for _ in range(size)]
        for _ in range(rng.randint(1, 3)):
            vals.insert(rng.randrange(len(vals) + 1), rng.choice(SPECIALS))
    elif style == "nines":
        # A mean of 0.99999999999999999|9..., which rounds up to 1.
        e = rng.choice([0, 0, 3, -5, 16, 17, 20])
        vals = [with_point(10**max(e, 0), max(-e, 0))] * rng.choice([2, 5, 6]) + \
            [with_point(10**(e + 20) - 1, 20) if e >= 0 else
             with_point(10**20 - 1, 20 - e)]
    elif style == "magnitude":
        # Means and deviations around the edges of "%.17g" (1e-4, 1e17).
        e = rng.choice([-7, -6, -5, -4, -3, 14, 15, 16, 17, 18, rng.randint(-38, 37)])
        vals = [with_point(rng.randint(1, 999) * 10**max(e, 0), max(-e, 0) + 2)
                for _ in range(max(size, 3))]
    elif style == "scales":
        vals = [with_point(rng.randint(-10**20, 10**20), rng.randint(0, 18))
                for _ in range(size)]
    else:
        vals = [number(rng) for _ in range(size)]
    if rng.random() < 0.3:
        vals = [rewrite(rng, v) if NUMBER.match(v.encode("latin-1")) and
                not SPECIAL.match(v.encode("latin-1")) and "e" not in v.lower() and
                v.strip() == v and rng.random() < 0.5 else v for v in vals]
    return [v.encode("latin-1") for v in vals]


def make_records(rng, ngroups):
    records = []
    for i in range(ngroups):
        key = b"k%05d" % i
        records += [(key, [v]) for v in group(rng)]
    return records


def write_records(path, records, extra=b""):
    with open(path, "wb") as f:
        for key, fields in records:
            f.write(key + b"\t" + b"\t".join(fields) + extra + b"\n")


# ---- running and comparing ----

ALL_OPS = ["count", "sum", "mean", "min", "max", "range", "median", "q1", "q3",
           "iqr", "p0", "p1", "p37", "p99", "p100", "mode", "first", "last",
           "unique", "countunique", "collapse", "sstdev", "pstdev", "svar", "pvar"]


class Failure(Exception):
    pass


ESCAPES = {0: "\\0", 9: "\\t", 10: "\\n", 13: "\\r", 92: "\\\\"}


def quoted(text):
    """A field as an error message shows it (msg_quote in lib/msg.h), as
    latin-1 text: UTF-8 characters other than controls kept, other bytes
    escaped as in C.  The generator's fields are shorter than its cut."""
    out, i = [], 0
    while i < len(text):
        b = text[i]
        if b in ESCAPES:
            out.append(ESCAPES[b])
            i += 1
            continue
        if b >= 0x80:
            for n in (2, 3, 4):
                try:
                    ch = text[i:i + n].decode("utf-8")
                except UnicodeDecodeError:
                    continue
                if len(ch) == 1 and not 0x80 <= ord(ch) <= 0x9f:
                    out.append(text[i:i + n].decode("latin-1"))
                    i += n
                    break
            else:
                out.append("\\x%02x" % b)
                i += 1
            continue
        out.append("\\x%02x" % b if b < 0x20 or b == 0x7f else chr(b))
        i += 1
    return "".join(out)


def run(args, path, binary):
    with open(path, "rb") as f:
        p = subprocess.run([os.path.join(binary, args[0])] + args[1:], stdin=f,
                           capture_output=True)
    return p.returncode, p.stdout.decode("latin-1"), p.stderr.decode("latin-1")


def compare(label, want, got, records):
    want_lines, got_lines = want, got.split("\n")[:-1] if got else []
    if want_lines == got_lines:
        return
    by_key = {}
    for key, fields in records:
        by_key.setdefault(key.decode("latin-1"), []).append(fields)
    msg = ["%s: %d lines expected, %d printed" % (label, len(want_lines), len(got_lines))]
    shown = 0
    for i in range(max(len(want_lines), len(got_lines))):
        w = want_lines[i] if i < len(want_lines) else "(none)"
        g = got_lines[i] if i < len(got_lines) else "(none)"
        if w != g:
            key = w.split("\t")[0]
            msg.append("  input of %s: %r" % (key, by_key.get(key, [])[:40]))
            msg.append("  want: %s" % w)
            msg.append("  got:  %s" % g)
            shown += 1
            if shown == 3:
                break
    raise Failure("\n".join(msg))


def expect_run(label, args, path, binary, want, skipped, records):
    """Run; the output must be WANT, and stderr the notice of SKIPPED (a
    count and the line of the first), whose reason the tests of messages
    check."""
    status, out, err = run(args, path, binary)
    count, first = skipped
    if count == 0:
        want_err = ""
    elif count == 1:
        want_err = "mr-reduce: 1 record skipped: -:%d: field " % first
    else:
        want_err = "mr-reduce: %d records skipped; the first: -:%d: field " % (count, first)
    good_err = err == want_err if count == 0 else \
        err.startswith(want_err) and err.count("\n") == 1
    if status != 0 or not good_err:
        raise Failure("%s: status %d, stderr %r (want 0, %r...)" % (label, status, err, want_err))
    compare(label, want, out, records)


def check_reduce(rng, tmp, binary, ngroups):
    records = make_records(rng, ngroups)
    ops = ALL_OPS[:]
    sorted_path = os.path.join(tmp, "sorted")
    write_records(sorted_path, records)
    want, skipped = reduce_reference(records, ops)
    for args in (["-b"], ["-b", "-j", "2"], ["-b", "-j", "1"]):
        expect_run("mr-reduce %s" % " ".join(args), ["mr-reduce"] + args + ops,
                   sorted_path, binary, want, skipped, records)
    shuffled = records[:]
    rng.shuffle(shuffled)
    hash_path = os.path.join(tmp, "shuffled")
    write_records(hash_path, shuffled)
    want_h, skipped_h = reduce_reference(shuffled, ops)
    for args in (["-H", "-b"], ["-H", "-b", "-j", "2"]):
        expect_run("mr-reduce %s" % " ".join(args), ["mr-reduce"] + args + ops,
                   hash_path, binary, want_h, skipped_h, shuffled)
    # A window of a day, by event time: one window, the same results.
    win_path = os.path.join(tmp, "window")
    write_records(win_path, shuffled, b"\t1700000000")
    label = "2023-11-14T00:00:00Z\t"
    expect_run("mr-reduce -w", ["mr-reduce", "-b", "-w", "86400", "-f", "2"] +
               [op if ":" in op else op + ":1" for op in ops],
               win_path, binary, [label + line for line in want_h], skipped_h, shuffled)
    # --top ranks by the first result as printed, whatever its length.
    for first in ("sum", "mean", "svar", "median", "range", "sstdev"):
        top = rng.choice([1, 3, 10])
        top_ops = [first, "count"]
        want_t, skipped_t = reduce_reference(shuffled, top_ops, top)
        expect_run("mr-reduce -n %d %s" % (top, first),
                   ["mr-reduce", "-b", "-n", str(top)] + top_ops,
                   hash_path, binary, want_t, skipped_t, shuffled)
    # The fast path of sums (agg_parse_sums, agg_add_sums), two fields.
    two = []
    for key, fields in records:
        second = with_point(rng.randint(-10**6, 10**6), rng.choice([0, 2])) \
            if rng.random() < 0.9 else plain_number(rng, "edge")
        two.append((key, fields + [second.encode()]))
    rng.shuffle(two)
    sums_path = os.path.join(tmp, "sums")
    write_records(sums_path, two)
    sums_ops = ["count", "sum", "mean:2", "sum:2", "mean"]
    want_s, skipped_s = reduce_reference(two, sums_ops)
    for args in (["-H", "-b"], ["-H", "-b", "-j", "2"]):
        expect_run("mr-reduce %s (sums)" % " ".join(args),
                   ["mr-reduce"] + args + sums_ops, sums_path, binary,
                   want_s, skipped_s, two)
    return len(records)


def check_errors(rng, tmp, binary, ncases):
    """Without -b, the first bad or too long number stops every mode."""
    n = 0
    for _ in range(ncases):
        records = make_records(rng, rng.randint(1, 40))
        bad_line = None
        for i, (key, fields) in enumerate(records):
            kind = parse(fields[0])[0]
            if kind != "ok":
                bad_line = (i + 1, kind, fields[0])
                break
            if kind != "ok":
                records[i] = (key, [b"1"])
        if bad_line is None:
            continue
        records = records[:bad_line[0]] + [(k, [b"1"]) for k, _ in records[bad_line[0]:]]
        line, kind, text = bad_line
        path = os.path.join(tmp, "errors")
        write_records(path, records)
        what = "is not a number" if kind == "bad" else "needs more than 38 digits"
        want = "mr-reduce: -:%d: field 1: '%s' %s\n" % (line, quoted(text), what)
        for args in (["sum", "median"], ["-j", "2", "sum", "max"], ["-H", "sum"],
                     ["-H", "-j", "2", "mean"]):
            status, out, err = run(["mr-reduce"] + args, path, binary)
            if status != 1 or err != want:
                raise Failure("mr-reduce %s on %r: status %d, stderr %r, want 1, %r" %
                              (" ".join(args), text, status, err, want))
        n += 1
    return n


def sort_key_value(text):
    kind, v = parse(text)
    if kind == "long":
        # Any length compares exactly in mr-sort.
        v = number_value(text)
    elif kind == "bad" or (is_special(v) and math.isnan(v)):
        return (0, text)
    return (1, v)


def check_sort(rng, tmp, binary, nrecords):
    keys = []
    for _ in range(nrecords):
        r = rng.random()
        if r < 0.1:
            k = rng.choice(BAD + LONG + ZERO + SPECIALS)
        elif r < 0.2:
            # Long and tiny numbers that differ far down.
            base = "1" + "0" * rng.randint(30, 60)
            k = rng.choice(["", "-"]) + base[:rng.randint(1, len(base))] + \
                rng.choice(["", "1", "01", ".5", "e-3", "e400", "e-400"])
        else:
            k = number(rng, 0.03)
        keys.append(k.encode("latin-1").replace(b"\t", b" ").replace(b"\n", b" "))
    records = [(k, [b"%d" % rng.randint(0, 5)]) for k in keys]
    path = os.path.join(tmp, "keys")
    write_records(path, records)
    lines = [k + b"\t" + f[0] for k, f in records]
    plain = sorted(lines, key=lambda l: sort_key_value(l.split(b"\t")[0]))
    rev = sorted(lines, key=lambda l: sort_key_value(l.split(b"\t")[0]), reverse=True)
    byval = sorted(lines, key=lambda l: (sort_key_value(l.split(b"\t")[0]), l.split(b"\t")[1]))
    for args, want in ((["-n"], plain), (["-n", "-r"], rev), (["-n", "-V"], byval),
                       (["-n", "-S", "64K"], plain), (["-n", "-P", "2"], plain)):
        status, out, err = run(["mr-sort"] + args, path, binary)
        want_text = b"\n".join(want).decode("latin-1") + "\n"
        if status != 0 or err != "":
            raise Failure("mr-sort %s: status %d, stderr %r" % (" ".join(args), status, err))
        if out != want_text:
            o, w = out.split("\n"), want_text.split("\n")
            i = next(i for i in range(len(w)) if i >= len(o) or o[i] != w[i])
            raise Failure("mr-sort %s: line %d is %r, want %r" %
                          (" ".join(args), i + 1, o[i] if i < len(o) else None, w[i]))
    return nrecords


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--seconds", type=float, default=0)
    ap.add_argument("--groups", type=int, default=400)
    ap.add_argument("--bin", default=os.environ.get("MR_BIN", "bin"))
    ap.add_argument("checks", nargs="+", choices=["reduce", "errors", "sort"])
    a = ap.parse_args()
    start = time.time()
    counts = {"reduce": 0, "errors": 0, "sort": 0}
    rounds = 0
    with tempfile.TemporaryDirectory(prefix="mr-exact.") as tmp:
        while True:
            seed = a.seed + rounds
            rng = random.Random(seed)
            try:
                for c in a.checks:
                    if c == "reduce":
                        counts[c] += check_reduce(rng, tmp, a.bin, a.groups)
                    elif c == "errors":
                        counts[c] += check_errors(rng, tmp, a.bin, 20)
                    else:
                        counts[c] += check_sort(rng, tmp, a.bin, 10 * a.groups)
            except Failure as e:
                print("exact.py: seed %d: %s" % (seed, e), file=sys.stderr)
                return 1
            rounds += 1
            if a.seconds:
                if time.time() - start >= a.seconds:
                    break
            elif rounds >= a.rounds:
                break
    print("exact.py: %d rounds from seed %d: %s" % (rounds, a.seed, ", ".join(
        "%s %d" % (k, v) for k, v in counts.items() if k in a.checks)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
