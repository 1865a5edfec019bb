"""Fast vectorised text formatting: ids, timestamps and dates as pyarrow string arrays.

Fixed-width values are built as uint8 code matrices and handed to pyarrow without copies.
Timestamps are int64 Unix seconds (UTC) everywhere in the generator.
"""

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

DAY = 86_400
HOUR = 3_600
DIGITS = np.frombuffer(b"0123456789", np.uint8)
B36 = np.frombuffer(b"0123456789abcdefghijklmnopqrstuvwxyz", np.uint8)
B62 = np.frombuffer(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", np.uint8)
HEX = np.frombuffer(b"0123456789abcdef", np.uint8)


def fixed(codes):
    """(n, w) uint8 ASCII codes -> pyarrow string array of width w."""
    codes = np.ascontiguousarray(codes, dtype=np.uint8)
    n, w = codes.shape
    offsets = np.arange(0, n * w + 1, w, dtype=np.int32)
    return pa.Array.from_buffers(pa.string(), n, [None, pa.py_buffer(offsets), pa.py_buffer(codes)])


def const(text, n):
    """A constant repeated as an (n, len) code matrix."""
    row = np.frombuffer(text.encode("ascii"), np.uint8)
    return np.broadcast_to(row, (n, len(row)))


def encode(x, width, alphabet=DIGITS):
    """Non-negative integers -> zero-padded codes in the given alphabet, shape (n, width)."""
    x = np.asarray(x, dtype=np.int64).copy()
    base = len(alphabet)
    out = np.empty((len(x), width), np.uint8)
    for i in range(width - 1, -1, -1):
        out[:, i] = alphabet[x % base]
        x //= base
    return out


def join(*parts, n=None):
    """Concatenate constants (str) and code matrices into one fixed-width string array."""
    if n is None:
        n = next(len(p) for p in parts if not isinstance(p, str))
    mats = [const(p, n) if isinstance(p, str) else p for p in parts]
    return fixed(np.hstack(mats))


def seq_id(prefix, seq, width, alphabet=DIGITS):
    """prefix + zero-padded sequence, e.g. seq_id('H', [7], 7) -> 'H0000007'."""
    return join(prefix, encode(seq, width, alphabet), n=len(seq))


def rand_id(rng, prefix, n, width, alphabet=B62):
    """prefix + random characters (Stripe/Qualtrics style)."""
    return join(prefix, alphabet[rng.integers(0, len(alphabet), (n, width))], n=n)


def uuid4(rng, n):
    """Random UUID-looking strings."""
    h = HEX[rng.integers(0, 16, (n, 32))]
    dash = const("-", n)
    return join(h[:, :8], dash, h[:, 8:12], dash, h[:, 12:16], dash, h[:, 16:20], dash, h[:, 20:])


def civil(days):
    """Days since 1970-01-01 -> (year, month, day) arrays (Hinnant's algorithm)."""
    z = np.asarray(days, np.int64) + 719_468
    era = np.floor_divide(z, 146_097)
    doe = z - era * 146_097
    yoe = (doe - doe // 1460 + doe // 36_524 - doe // 146_096) // 365
    y = yoe + era * 400
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = np.where(mp < 10, mp + 3, mp - 9)
    return y + (m <= 2), m, d


def days_from_civil(y, m, d):
    """Inverse of civil."""
    y = np.asarray(y, np.int64) - (np.asarray(m) <= 2)
    m = np.asarray(m, np.int64)
    era = np.floor_divide(y, 400)
    yoe = y - era * 400
    doy = (153 * np.where(m > 2, m - 3, m + 9) + 2) // 5 + np.asarray(d, np.int64) - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146_097 + doe - 719_468


def _date_parts(ts):
    ts = np.asarray(ts, np.int64)
    days = np.floor_divide(ts, DAY)
    y, m, d = civil(days)
    return y, m, d, ts - days * DAY


def iso_date(ts):
    """YYYY-MM-DD."""
    y, m, d, _ = _date_parts(ts)
    return join(encode(y, 4), "-", encode(m, 2), "-", encode(d, 2))


def mdy(ts):
    """MM/DD/YYYY (legacy policy exports)."""
    y, m, d, _ = _date_parts(ts)
    return join(encode(m, 2), "/", encode(d, 2), "/", encode(y, 4))


def iso_ts(ts, sep="T", suffix=""):
    """YYYY-MM-DD<sep>HH:MM:SS<suffix>; suffix may be a str or a code matrix (offsets)."""
    y, m, d, sec = _date_parts(ts)
    hms = [encode(sec // 3600, 2), ":", encode(sec // 60 % 60, 2), ":", encode(sec % 60, 2)]
    tail = [suffix] if (not isinstance(suffix, str) or suffix) else []
    return join(encode(y, 4), "-", encode(m, 2), "-", encode(d, 2), sep, *hms, *tail, n=len(y))


def utc(ts):
    """ISO-8601 UTC with Z, e.g. 2025-03-01T14:22:10Z."""
    return iso_ts(ts, "T", "Z")


def plain(ts):
    """YYYY-MM-DD HH:MM:SS, no zone."""
    return iso_ts(ts, " ")


def epoch(ts):
    """Unix seconds as text."""
    return pc.cast(pa.array(np.asarray(ts, np.int64)), pa.string())


def number(x):
    """Integers as text (no padding)."""
    return pc.cast(pa.array(np.asarray(x, np.int64)), pa.string())


def money(x):
    """Amounts with two decimals, e.g. 1234.50 (no thousands separator)."""
    cents = np.round(np.asarray(x, np.float64) * 100).astype(np.int64)
    neg = cents < 0
    a = np.abs(cents)
    whole = pc.cast(pa.array(a // 100), pa.string())
    frac = fixed(encode(a % 100, 2))
    out = pc.binary_join_element_wise(whole, frac, ".")
    if neg.any():
        out = pc.if_else(pa.array(neg), pc.binary_join_element_wise("-", out, ""), out)
    return out


def offset_codes(minutes):
    """UTC offsets in minutes -> '-05:00' style code matrix."""
    minutes = np.asarray(minutes, np.int64)
    sign = np.where(minutes < 0, ord("-"), ord("+")).astype(np.uint8)[:, None]
    a = np.abs(minutes)
    return np.hstack([sign, encode(a // 60, 2), const(":", len(a)), encode(a % 60, 2)])


def with_offset(ts, minutes):
    """Local wall time with its UTC offset, e.g. 2025-03-01T09:22:10-05:00."""
    ts = np.asarray(ts, np.int64)
    return iso_ts(ts + np.asarray(minutes, np.int64) * 60, "T", offset_codes(minutes))


def nulls(arr, mask):
    """Set arr to null where mask is true."""
    mask = np.asarray(mask, bool)
    if not mask.any():
        return arr
    return pc.if_else(pa.array(~mask), arr, pa.scalar(None, pa.string()))


def pick(arr, mask, other):
    """Where mask, take `other`, else `arr` (both string arrays or scalars)."""
    return pc.if_else(pa.array(np.asarray(mask, bool)), other, arr)


# --- time zones: US rule since 2007 (DST from 2nd Sunday of March to 1st Sunday of November, 2 am local);
# EU rule (last Sunday of March to last Sunday of October, 01:00 UTC); south-east Australia (1st Sunday of
# October to 1st Sunday of April, 2 am standard time). The rest have no DST.
TZ_STD = {
    "America/New_York": -300,
    "America/Chicago": -360,
    "America/Denver": -420,
    "America/Phoenix": -420,
    "America/Los_Angeles": -480,
    "Europe/London": 0,
    "Europe/Berlin": 60,
    "Australia/Sydney": 600,
    "Australia/Melbourne": 600,
    "Australia/Hobart": 600,
    "Australia/Brisbane": 600,
    "Australia/Adelaide": 570,
    "Australia/Darwin": 570,
    "Australia/Perth": 480,
}
TZ_RULE = {"America/New_York": "us", "America/Chicago": "us", "America/Denver": "us", "America/Los_Angeles": "us",
           "Europe/London": "eu", "Europe/Berlin": "eu", "Australia/Sydney": "au", "Australia/Melbourne": "au",
           "Australia/Hobart": "au", "Australia/Adelaide": "au"}
TZ_DST = {k: k in TZ_RULE for k in TZ_STD}


def _nth_sunday(year, month, nth):
    first = days_from_civil(year, month, 1)
    dow = (first + 4) % 7  # 1970-01-01 was a Thursday; 0 = Sunday
    return first + (7 - dow) % 7 + 7 * (nth - 1)


def _last_sunday(year, month):
    last = days_from_civil(year + (month == 12), month % 12 + 1, 1) - 1
    return last - (last + 4) % 7


def utc_offset(ts, tz):
    """UTC offset in minutes of zone `tz` (one zone name) at each UTC timestamp."""
    ts = np.asarray(ts, np.int64)
    std = TZ_STD[tz]
    rule = TZ_RULE.get(tz)
    if rule is None:
        return np.full(len(ts), std, np.int64)
    y, _, _, _ = _date_parts(ts)
    if rule == "us":
        start = _nth_sunday(y, 3, 2) * DAY + 2 * HOUR - std * 60
        end = _nth_sunday(y, 11, 1) * DAY + 2 * HOUR - (std + 60) * 60
        return np.where((ts >= start) & (ts < end), std + 60, std).astype(np.int64)
    if rule == "eu":
        start = _last_sunday(y, 3) * DAY + HOUR
        end = _last_sunday(y, 10) * DAY + HOUR
        return np.where((ts >= start) & (ts < end), std + 60, std).astype(np.int64)
    # southern hemisphere: summer time spans the new year
    end = _nth_sunday(y, 4, 1) * DAY + 2 * HOUR - std * 60
    start = _nth_sunday(y, 10, 1) * DAY + 2 * HOUR - std * 60
    return np.where((ts < end) | (ts >= start), std + 60, std).astype(np.int64)


def utc_offsets(ts, tz_names):
    """UTC offsets for per-row zone names (array of str)."""
    ts = np.asarray(ts, np.int64)
    tz_names = np.asarray(tz_names)
    out = np.empty(len(ts), np.int64)
    for tz in dict.fromkeys(tz_names.tolist()):
        m = tz_names == tz
        out[m] = utc_offset(ts[m], tz)
    return out


def scramble(seq, width, alphabet=B62):
    """A bijective, random-looking code for sequence numbers (ids that look opaque)."""
    mod = len(alphabet) ** width
    return encode((np.asarray(seq, np.int64) * 4_294_967_291 + 104_729) % mod, width, alphabet)


def utc_offset0(ts):
    """ISO-8601 with an explicit +00:00 offset."""
    ts = np.asarray(ts, np.int64)
    return with_offset(ts, np.zeros(len(ts), np.int64))
