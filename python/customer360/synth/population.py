"""The true world: households, addresses and people with their real attributes and traits.

Columns are numpy arrays (object arrays for text) indexed by position; `grow` appends a cohort,
so base rows never change when extra people are added.
"""

import unicodedata

import numpy as np
from nicknames import NickNamer

from . import lists
from .fmt import DAY

CITY_W = np.array([c[6] for c in lists.CITIES], float)
_NN = NickNamer()


def ascii_fold(text):
    """José -> Jose (accents dropped; spaces and apostrophes kept)."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def _nicks(name):
    """Plausible nicknames of a first name (title case, 3+ letters)."""
    base = ascii_fold(name).lower()
    out = sorted(n for n in _NN.nicknames_of(base) if len(n) >= 3 and n != base)
    return [n.title() for n in out]


NICKS = {n: _nicks(n) for n in lists.MALE + lists.FEMALE}


def slug(name):
    """Name as used in an email address: José O'Brien -> jose, obrien."""
    return "".join(ch for ch in ascii_fold(name).lower() if ch.isalnum() or ch == "-")


def zipf(n, s=1.0, shift=6):
    w = 1.0 / (np.arange(n) + shift) ** s
    return w / w.sum()


class Frame(dict):
    """A dict of equal-length numpy columns that can be extended."""

    def __len__(self):
        return len(next(iter(self.values()))) if dict.__len__(self) else 0

    def extend(self, other):
        for k, v in other.items():
            self[k] = np.concatenate([self[k], v]) if k in self else v


def objs(values):
    a = np.empty(len(values), object)
    a[:] = values
    return a


class World:
    """Everything shared by the source systems: the truth plus cross-cohort state."""

    def __init__(self, seed, as_of_days, customers, error_rate, country=None):
        self.seed = seed
        self.country = country  # None: the US; else a country.Country that renders places, phones and ids
        self.customers = customers
        self.error_rate = error_rate
        self.now = int(as_of_days) * DAY  # as_of 00:00 UTC: nothing happens after it
        self.start = self.now - 3 * 365 * DAY
        self.people = Frame()
        self.hh = Frame()
        self.addr = Frame()
        self.counters = {}
        self.state = {}  # cross-cohort lookups, e.g. person -> billing customer id
        self.ref = {}  # reference tables made once (users, stores, campaigns, surveys)
        self.used_emails = set()
        self.used_phones = set()
        self.used_ssn = set()

    def seq(self, key, n):
        """Next n sequence numbers for an id space (ids stay stable when cohorts are added)."""
        start = self.counters.get(key, 0)
        self.counters[key] = start + n
        return np.arange(start, start + n, dtype=np.int64)

    def addr_at(self, person, ts):
        """Address id of each person at each time (movers use the old address before moving)."""
        h = self.people["hh"][person]
        before = np.asarray(ts) < self.hh["moved"][h]
        return np.where(before, self.hh["prev"][h], self.hh["addr"][h])

    def city(self, addr_ids):
        return self.addr["city"][addr_ids]


def _addresses(w, rng, n, city=None):
    """n new addresses; returns their ids."""
    if city is None:
        city = rng.choice(len(lists.CITIES), n, p=CITY_W / CITY_W.sum())
    apt = rng.random(n) < 0.22
    floor = rng.integers(1, 12, n)
    letter = rng.choice(list("ABCDEF"), n)
    unit = np.where(apt, [f"{f}{c}" for f, c in zip(floor, letter)], "")
    zip3 = np.array([lists.CITIES[c][3] for c in city])
    frame = Frame(
        num=np.where(rng.random(n) < 0.7, rng.integers(1, 999, n), rng.integers(1000, 9999, n)),
        predir=np.where(rng.random(n) < 0.13, rng.integers(0, 4, n), -1),
        street=rng.integers(0, len(lists.STREETS), n),
        stype=rng.choice(len(lists.STREET_TYPES), n, p=np.array(lists.STREET_TYPE_W) / 100),
        unit=objs(list(unit)),
        city=city,
        zip5=objs([z + f"{d:02d}" for z, d in zip(zip3, rng.integers(0, 100, n))]),
        zip4=objs([f"{d:04d}" for d in rng.integers(1, 9999, n)]),
    )
    if w.country is not None:  # the same draws, read as a postcode of the country's city
        frame["post"] = objs([w.country.postcode(c, z[-2:], z4) for c, z, z4 in zip(city, frame["zip5"], frame["zip4"])])
    ids = np.arange(len(w.addr), len(w.addr) + n)
    w.addr.extend(frame)
    return ids


def _unique(used, make, key=None):
    """Draw with make(k) until the value (or its key(value)) is new; k counts attempts."""
    k = 0
    while True:
        v = make(k)
        kv = key(v) if key else v
        if kv not in used:
            used.add(kv)
            return v
        k += 1


GMAIL = ("gmail.com", "googlemail.com")


def mailbox(email):
    """The mailbox an address reaches: lower case; for Gmail dots and any +tag do not count."""
    local, _, dom = email.strip().lower().rpartition("@")
    if dom in GMAIL:
        local, dom = local.split("+")[0].replace(".", ""), GMAIL[0]
    return f"{local}@{dom}"


def grow(w, rng, n_people, n_customers, tag):
    """Append a cohort of households and people; returns the new person indices."""
    sizes = rng.choice([1, 2, 3, 4], n_people, p=[0.38, 0.42, 0.12, 0.08])
    sizes = sizes[: np.searchsorted(np.cumsum(sizes), n_people) + 1]
    sizes[-1] -= sizes.sum() - n_people
    nh = len(sizes)
    h0, p0 = len(w.hh), len(w.people)

    # households: address, maybe a previous address (movers), landline, shared email
    cur = _addresses(w, rng, nh)
    moves = rng.random(nh) < 0.14
    prev = np.full(nh, -1)
    same_city = rng.random(nh) < 0.6
    prev_city = np.where(same_city, w.addr["city"][cur], rng.choice(len(lists.CITIES), nh))
    if moves.any():
        prev[moves] = _addresses(w, rng, int(moves.sum()), prev_city[moves])
    moved = np.where(moves, rng.integers(w.start + 60 * DAY, w.now - 20 * DAY, nh), 0)
    land = rng.random(nh) < 0.35
    hh_of = np.repeat(np.arange(nh), sizes)
    rank = np.arange(n_people) - np.repeat(np.cumsum(sizes) - sizes, sizes)  # 0 = head

    # names
    last_p = zipf(len(lists.LAST), 0.75, 12)
    hh_last = rng.choice(len(lists.LAST), nh, p=last_p)
    own_last = rng.choice(len(lists.LAST), n_people, p=last_p)
    last_idx = np.where((rank == 0) | (rng.random(n_people) < 0.82), hh_last[hh_of], own_last)
    gender = rng.integers(0, 2, n_people)
    partner = rank == 1
    head_gender = gender[np.repeat(np.cumsum(sizes) - sizes, sizes)]
    flip = partner & (rng.random(n_people) < 0.85)
    gender = np.where(flip, 1 - head_gender, gender)
    fm, ff = zipf(len(lists.MALE), 0.8, 12), zipf(len(lists.FEMALE), 0.8, 12)
    male_first = rng.choice(len(lists.MALE), n_people, p=fm)
    fem_first = rng.choice(len(lists.FEMALE), n_people, p=ff)
    first = [lists.MALE[m] if g == 0 else lists.FEMALE[f] for g, m, f in zip(gender, male_first, fem_first)]
    mid_m = rng.choice(len(lists.MALE), n_people, p=fm)
    mid_f = rng.choice(len(lists.FEMALE), n_people, p=ff)
    has_mid = rng.random(n_people) < 0.72
    middle = [(lists.MALE[a] if g == 0 else lists.FEMALE[b]) if h else ""
              for g, a, b, h in zip(gender, mid_m, mid_f, has_mid)]
    suffix = np.where((gender == 0) & (rng.random(n_people) < 0.05),
                      rng.choice(lists.SUFFIX_DOT, n_people, p=[0.6, 0.15, 0.15, 0.1]), "")
    last = [lists.LAST[i] for i in last_idx]
    nick_u = rng.random(n_people)
    nick_k = rng.integers(0, 100, n_people)
    nick = [NICKS[f][k % len(NICKS[f])] if NICKS[f] and u < 0.35 else ""
            for f, u, k in zip(first, nick_u, nick_k)]

    # birth dates: heads 25-80, partners near the head
    age = rng.uniform(25, 80, n_people)
    head_age = age[np.repeat(np.cumsum(sizes) - sizes, sizes)]
    age = np.where(partner, np.clip(head_age + rng.normal(0, 4, n_people), 21, 88),
                   np.where(rank >= 2, rng.uniform(19, 30, n_people), age))
    birth = (w.now // DAY - (age * 365.25).astype(int)).astype(np.int64)

    # emails: one mailbox per person (judged by mailbox(), so Gmail dot/case variants count as taken);
    # only a household's shared address is used by several people
    pattern = rng.integers(0, 7, n_people)
    dom = rng.choice(len(lists.EMAIL_DOMAINS), n_people,
                     p=np.array(lists.EMAIL_DOMAIN_W) / sum(lists.EMAIL_DOMAIN_W))
    num = rng.integers(1, 99, n_people)
    email = []
    for i in range(n_people):
        f, la = slug(first[i]), slug(last[i])
        yy = int(1970 + birth[i] / 365.25) % 100
        local = [f"{f}.{la}", f"{f}{la}", f"{f[0]}{la}", f"{f}.{la}{yy:02d}", f"{f}_{la}",
                 f"{f}{la[0]}{num[i]}", f"{la}.{f}"][pattern[i]]
        d = lists.EMAIL_DOMAINS[dom[i]]
        email.append(_unique(w.used_emails, lambda k: f"{local}{k + 1 if k else ''}@{d}", mailbox))
    wk = rng.random(n_people) < 0.3
    wdom = rng.integers(0, len(lists.WORK_DOMAINS), n_people)
    work = [_unique(w.used_emails, lambda k: f"{slug(first[i])}.{slug(last[i])}{k or ''}@{lists.WORK_DOMAINS[wdom[i]]}",
                    mailbox) if wk[i] else "" for i in range(n_people)]
    shared = [""] * nh
    share_u = rng.random(nh)
    for h in range(nh):
        if sizes[h] > 1 and share_u[h] < 0.1:
            la = slug(lists.LAST[hh_last[h]])
            shared[h] = _unique(w.used_emails, lambda k: f"the{la}s{k or ''}@{lists.EMAIL_DOMAINS[dom[h] % 3]}",
                                mailbox)

    # phones: mobile per person, landline per household (10 digits, area code of the city)
    def phone(area, r):
        return _unique(w.used_phones, lambda k: f"{area}{(r + 7919 * k) % 8_000_000 + 2_000_000:07d}")

    area = [lists.CITIES[c][4] for c in w.addr["city"][cur]]
    mob_r = rng.integers(0, 8_000_000, n_people)
    land_r = rng.integers(0, 8_000_000, nh)
    if w.country is None:
        mobile = [phone(area[hh_of[i]], mob_r[i]) for i in range(n_people)]
        landline = [phone(area[h], land_r[h]) if land[h] else "" for h in range(nh)]
    else:  # national significant numbers of the country's plan
        cities = w.addr["city"][cur]
        mobile = [w.country.mobile_number(int(mob_r[i]) * 131 + i, w.used_phones) for i in range(n_people)]
        landline = [w.country.landline(cities[h], int(land_r[h]), w.used_phones) if land[h] else "" for h in range(nh)]

    def ssn(r):
        a, g, s = 1 + r % 899, 1 + r // 899 % 99, 1 + r // 88_001 % 9999
        a = a + 1 if a == 666 else a
        return f"{a:03d}{g:02d}{s:04d}"

    ssn_r = rng.integers(0, 899 * 99 * 9999, n_people)
    if w.country is None:
        ssns = [_unique(w.used_ssn, lambda k, r=r: ssn(r + 104_729 * k)) for r in ssn_r]
    else:  # the country's national id instead of an SSN
        ssns = [w.country.national_id(int(r), w.used_ssn) for r in ssn_r]

    # roles and traits
    is_cust = np.zeros(n_people, bool)
    is_cust[rng.choice(n_people, min(n_customers, n_people), replace=False)] = True
    first_seen = rng.integers(w.start + 5 * DAY, w.now - 10 * DAY, n_people)
    since = np.where(is_cust, rng.integers(w.start + 20 * DAY, w.now - 12 * DAY, n_people), first_seen)
    moves_h = moved[hh_of]
    u = rng.random((7, n_people))
    people = Frame(
        person_id=objs([f"P{p0 + i + 1:07d}" for i in range(n_people)]),
        hh=hh_of + h0,
        rank=rank,
        gender=gender,
        first=objs(first),
        middle=objs(middle),
        last=objs(last),
        suffix=objs(list(suffix)),
        nick=objs(nick),
        birth=birth,
        email=objs(email),
        work=objs(work),
        mobile=objs(mobile),
        ssn=objs(ssns),
        cust=is_cust,
        since=since,
        first_seen=np.minimum(first_seen, since),
        web=u[0] < np.where(is_cust, 0.5, 0.3),
        loyal=u[1] < np.where(is_cust, 0.3, 0.15),
        policy=u[2] < np.where(is_cust, 0.3, 0.08),
        mkt=u[3] < np.where(is_cust, 0.9, 0.8),
        lead=u[4] < np.where(is_cust, 0.0, 0.35),
        sales=is_cust & (u[5] < 0.45),
        moved_since=moves_h,
        cohort=np.full(n_people, tag, object),
    )
    hh_ids = objs([f"HH{h0 + h + 1:07d}" for h in range(nh)])
    w.hh.extend(Frame(household_id=hh_ids, addr=cur, prev=prev, moved=moved, size=sizes,
                      landline=objs(landline), shared=objs(shared)))
    w.people.extend(people)
    return np.arange(p0, p0 + n_people)
