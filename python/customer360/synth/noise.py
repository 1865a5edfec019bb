"""How each system types people: names, emails, phones and addresses with realistic variation.

A `Typist` renders true attributes through a system profile (probabilities of nicknames, typos,
case changes, formats ...). Random numbers are drawn in bulk; the per-row work is plain Python.
"""

import numpy as np

from . import lists
from .population import NICKS

KEYS = "qwertyuiop asdfghjkl  zxcvbnm"
NEAR = {}
for _r, _row in enumerate(["qwertyuiop", "asdfghjkl", "zxcvbnm"]):
    for _i, _c in enumerate(_row):
        NEAR[_c] = _row[max(0, _i - 1)] + _row[min(len(_row) - 1, _i + 1)]

PROFILE = dict(
    nick=0.5,  # use the person's preferred nickname (when they have one)
    rnick=0.04,  # some other nickname of the first name
    typo=0.02,  # one-character edit in a name
    upper=0.02,
    lower=0.03,
    mi=0.03,  # middle initial typed into the first-name field
    swap=0.01,  # first and last name swapped
    lastfirst=0.1,  # "Last, First" in single name fields
    fullmid=0.15,  # middle initial inside a full name
    mid=0.35,  # middle-name field filled (initial or full)
    suffix=0.5,  # suffix kept when the person has one
    email_none=0.05,
    email_work=0.08,
    email_shared=0.4,
    email_case=0.05,
    email_dots=0.15,
    email_plus=0.03,
    email_typo=0.01,
    phone_none=0.1,
    phone_land=0.25,
    phone_style=(30, 25, 12, 8, 15, 4, 4, 2),
    st_type=(35, 45, 15, 5),  # Street, St, St., ST
    direction=(60, 30, 10),  # N, North, N.
    unit=(40, 25, 20, 15),  # Apt 4B, #4B, Unit 4B, Apt. 4B
    unit_where="line2",  # line2 | inline | newline
    zip4=0.2,
    zip_lost0=0.0,  # leading zero dropped (spreadsheet damage)
    state_full=0.0,
    addr_upper=0.0,
    stale_addr=0.0,  # keeps the old address after a move
)


def profile(**changes):
    p = dict(PROFILE)
    p.update(changes)
    return p


def typo(text, r):
    """One-character edit chosen by r (a float in [0, 1))."""
    if len(text) < 3:
        return text
    i = 1 + int(r * 1000) % (len(text) - 1)
    kind = int(r * 4)
    c = text[i]
    if kind == 0:
        return text[:i] + text[i + 1:]
    if kind == 1 and i < len(text) - 1:
        return text[:i] + text[i + 1] + text[i] + text[i + 2:]
    if kind == 2:
        return text[:i] + c + text[i:]
    near = NEAR.get(c.lower())
    if not near:
        return text[:i] + text[i + 1:]
    rep = near[int(r * 10_000) % 2]
    return text[:i] + (rep.upper() if c.isupper() else rep) + text[i + 1:]


def phone_style(d, style):
    a, b, c = d[:3], d[3:6], d[6:]
    return (f"({a}) {b}-{c}", f"{a}-{b}-{c}", f"{a}.{b}.{c}", f"+1 {a} {b} {c}", d,
            f"1-{a}-{b}-{c}", f"+1{d}", f"{a} {b} {c}")[style]


def recase(text, u, p):
    if u < p["upper"]:
        return text.upper()
    if u < p["upper"] + p["lower"]:
        return text.lower()
    return text


class Typist:
    """Renders people the way one system types them."""

    def __init__(self, world, rng, prof):
        self.w, self.rng, self.p = world, rng, prof

    def _u(self, k, n):
        return self.rng.random((k, n))

    def first(self, people, u=None):
        """First names as typed (nickname, middle initial, typo, case)."""
        P, p = self.w.people, self.p
        u = self._u(5, len(people)) if u is None else u
        out = []
        for j, i in enumerate(people):
            name = P["first"][i]
            nick = P["nick"][i]
            if nick and u[0, j] < p["nick"]:
                name = nick
            elif not nick and u[0, j] > 1 - p["rnick"] and NICKS.get(name):
                opts = NICKS[name]
                name = opts[int(u[1, j] * len(opts))]
            if u[1, j] < p["mi"] and P["middle"][i]:
                name = f"{name} {P['middle'][i][0]}" + ("." if u[2, j] < 0.5 else "")
            if u[3, j] < p["typo"]:
                name = typo(name, u[4, j])
            out.append(recase(name, u[2, j], p))
        return out

    def last(self, people, u=None):
        P, p = self.w.people, self.p
        u = self._u(3, len(people)) if u is None else u
        out = []
        for j, i in enumerate(people):
            name = P["last"][i]
            if u[0, j] < p["typo"]:
                name = typo(name, u[1, j])
            out.append(recase(name, u[2, j], p))
        return out

    def middle(self, people):
        P, p = self.w.people, self.p
        u = self._u(3, len(people))
        out = []
        for j, i in enumerate(people):
            m = P["middle"][i]
            if not m or u[0, j] >= p["mid"]:
                out.append(None)
            else:
                m = m if u[1, j] < 0.4 else m[0] + ("." if u[1, j] < 0.7 else "")
                out.append(recase(m, u[2, j], p))
        return out

    def suffix(self, people, dots=True):
        s = self.w.people["suffix"][people]
        keep = self._u(1, len(people))[0] < self.p["suffix"]
        return [(x if dots else x.replace(".", "").upper()) if x and k else None
                for x, k in zip(s, keep)]

    def names(self, people):
        """(first, last) lists, with an occasional first/last swap."""
        n = len(people)
        f = self.first(people)
        la = self.last(people)
        swap = self._u(1, n)[0] < self.p["swap"]
        for j in np.flatnonzero(swap):
            f[j], la[j] = la[j], f[j]
        return f, la

    def full(self, people):
        """One-field names: "First Last", "First M. Last" or "Last, First"."""
        n = len(people)
        f, la = self.names(people)
        u = self._u(2, n)
        mids = self.w.people["middle"][people]
        out = []
        for j in range(n):
            if u[0, j] < self.p["lastfirst"]:
                out.append(f"{la[j]}, {f[j]}")
            elif u[1, j] < self.p["fullmid"] and mids[j] and " " not in f[j]:
                mi = mids[j][0]
                out.append(f"{f[j]} {mi.upper() if f[j].isupper() else mi}. {la[j]}")
            else:
                out.append(f"{f[j]} {la[j]}")
        return out

    def email(self, people, tag="shop"):
        """Emails as typed: personal/work/shared, case, Gmail dots, plus tags, typos, missing."""
        P, H, p = self.w.people, self.w.hh, self.p
        n = len(people)
        u = self._u(7, n)
        out = []
        for j, i in enumerate(people):
            if u[0, j] < p["email_none"]:
                out.append(None)
                continue
            e = P["email"][i]
            shared = H["shared"][P["hh"][i]]
            if P["work"][i] and u[1, j] < p["email_work"]:
                e = P["work"][i]
            elif shared and u[1, j] > 1 - p["email_shared"]:
                e = shared
            local, dom = e.split("@")
            if dom == "gmail.com" and u[2, j] < p["email_dots"]:
                local = local.replace(".", "") if "." in local else local[:2] + "." + local[2:]
            if u[3, j] < p["email_plus"]:
                local = f"{local}+{tag}"
            if u[4, j] < p["email_typo"]:
                local = typo(local, u[5, j])
            e = f"{local}@{dom}"
            if u[6, j] < p["email_case"]:
                e = e.upper() if u[6, j] < p["email_case"] / 4 else ".".join(
                    s.capitalize() for s in local.split(".")) + "@" + dom.capitalize()
            out.append(e)
        return out

    def phone(self, people, landline_ok=True):
        P, H, p = self.w.people, self.w.hh, self.p
        n = len(people)
        u = self._u(2, n)
        w = np.array(p["phone_style"], float)
        style = self.rng.choice(len(w), n, p=w / w.sum())
        out = []
        for j, i in enumerate(people):
            if u[0, j] < p["phone_none"]:
                out.append(None)
                continue
            land = H["landline"][P["hh"][i]]
            d = land if (landline_ok and land and u[1, j] < p["phone_land"]) else P["mobile"][i]
            out.append(phone_style(d, style[j]) if self.w.country is None else self.w.country.phone(d, style[j]))
        return out

    def address(self, people, ts):
        """Address parts at time ts: dict(line1, line2, city, state, zip) of lists."""
        w, p = self.w, self.p
        n = len(people)
        ts = np.asarray(ts)
        if p["stale_addr"]:
            stale = self._u(1, n)[0] < p["stale_addr"]
            ts = np.where(stale, 0, ts)
        ids = w.addr_at(people, ts)
        return self.render_addr(ids)

    def render_addr(self, ids):
        A, p, rng = self.w.addr, self.p, self.rng
        n = len(ids)
        u = self._u(5, n)

        def choose(weights):
            wt = np.array(weights, float)
            return rng.choice(len(wt), n, p=wt / wt.sum())

        st, dr, un = choose(p["st_type"]), choose(p["direction"]), choose(p["unit"])
        if self.w.country is not None:
            return self._render_abroad(ids, u, st, un)
        l1, l2, city, state, zips = [], [], [], [], []
        for j, a in enumerate(ids):
            full, abbr = lists.STREET_TYPES[A["stype"][a]]
            stype = (full, abbr, abbr + ("." if abbr != "Way" else ""), abbr.upper())[st[j]]
            parts = [str(A["num"][a])]
            if A["predir"][a] >= 0:
                dfull, dab = lists.DIRECTIONS[A["predir"][a]]
                parts.append((dab, dfull, dab + ".")[dr[j]])
            parts += [lists.STREETS[A["street"][a]], stype]
            line = " ".join(parts)
            unit = A["unit"][a]
            second = None
            if unit:
                ut = (f"Apt {unit}", f"#{unit}", f"Unit {unit}", f"Apt. {unit}")[un[j]]
                if p["unit_where"] == "inline" or u[0, j] < 0.3:
                    line = f"{line}{',' if u[1, j] < 0.5 else ''} {ut}"
                elif p["unit_where"] == "newline":
                    line = f"{line}\n{ut}"
                else:
                    second = ut
            c = lists.CITIES[A["city"][a]]
            zp = A["zip5"][a] + (f"-{A['zip4'][a]}" if u[2, j] < p["zip4"] else "")
            if u[3, j] < p["zip_lost0"] and zp.startswith("0"):
                zp = zp[1:]
            s = c[2] if u[4, j] < p["state_full"] else c[1]
            city_name = c[0]
            if p["addr_upper"] and u[4, j] > 1 - p["addr_upper"]:
                line, second, city_name, s = line.upper(), second and second.upper(), city_name.upper(), s.upper()
            l1.append(line)
            l2.append(second)
            city.append(city_name)
            state.append(s)
            zips.append(zp)
        return dict(line1=l1, line2=l2, city=city, state=state, zip=zips)

    def _render_abroad(self, ids, u, st, un):
        """render_addr for a non-US country, from the same draws: the country's street form, unit, postcode
        (GB sometimes without its space, DE/AU sometimes without a leading zero) and subdivision."""
        A, p, C = self.w.addr, self.p, self.w.country
        l1, l2, city, state, zips = [], [], [], [], []
        for j, a in enumerate(ids):
            line = C.street_line(A["num"][a], A["street"][a], A["stype"][a], int(st[j]))
            unit = A["unit"][a]
            second = None
            if unit:
                if p["unit_where"] == "inline" or u[0, j] < 0.3:
                    line = C.with_unit(line, unit, int(un[j]), u[1, j] < 0.5)
                elif p["unit_where"] == "newline":
                    ut = C.unit_alone(unit, int(un[j]))
                    line = f"{line}\n{ut}" if C.code == "DE" else f"{ut}\n{line}"
                else:
                    second = C.unit_alone(unit, int(un[j]))
            name, code = C.city(A["city"][a])[:2]
            zp = A["post"][a]
            if u[2, j] < p["zip4"] and C.code == "GB":
                zp = zp.replace(" ", "")
            if u[3, j] < p["zip_lost0"] and zp.startswith("0"):
                zp = zp[1:]
            s = C.state(code, u[4, j] < p["state_full"])
            if p["addr_upper"] and u[4, j] > 1 - p["addr_upper"]:
                line, second, name, s = line.upper(), second and second.upper(), name.upper(), s and s.upper()
            l1.append(line)
            l2.append(second)
            city.append(name)
            state.append(s)
            zips.append(zp)
        return dict(line1=l1, line2=l2, city=city, state=state, zip=zips)
