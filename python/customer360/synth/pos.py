"""Point of sale: stores, loyalty members, transactions (local time with offset; many anonymous)."""

import numpy as np

from . import fmt, lists
from .core import Table, daytime, loaded_after, pick_w
from .fmt import DAY, HOUR
from .noise import Typist, profile

SYS = "pos"
COLS = {
    "stores": ["id", "name", "city", "state", "timezone", "opened_date", "_loaded_at"],
    "loyalty_members": ["card_number", "first_name", "last_name", "email", "phone", "postal_code", "enrolled_at",
                        "home_store_id", "_loaded_at"],
    "transactions": ["id", "store_id", "register_id", "transacted_at", "loyalty_card_number", "customer_name",
                     "customer_email", "item_count", "total_amount", "tax_amount", "tender_type", "_loaded_at"],
}
PROF = profile(nick=0.55, typo=0.05, upper=0.15, lower=0.08, email_none=0.15, email_typo=0.03, email_case=0.1,
               phone_none=0.1, phone_style=(10, 20, 5, 0, 60, 5, 0, 0), zip4=0.0)
RECEIPT = profile(nick=0.6, lastfirst=0.0, fullmid=0.0, typo=0.05, upper=0.2, lower=0.1, email_none=0.3,
                  email_typo=0.03)


def stores(c):
    w, rng = c.w, c.rng(SYS, "stores")
    cities = [i for i, x in enumerate(lists.CITIES) if x[6] >= 2]
    n = len(cities)
    ids = [f"S{k + 101:03d}" for k in range(n)]
    opened = w.start - rng.integers(100, 4000, n) * DAY
    t = c.add(Table(SYS, "stores", COLS["stores"], "id", "_loaded_at", fmt.utc, ts=[]))
    place = [_place(w, i) for i in cities]  # city, state code, time zone
    seen = {}
    names = []
    for city, _, _ in place:  # a second store in one city is "OurCo London 2"
        seen[city] = seen.get(city, 0) + 1
        names.append(f"OurCo {city}" + (f" {seen[city]}" if seen[city] > 1 else ""))
    t.set(id=ids, name=names, city=[x[0] for x in place], state=[x[1] for x in place],
          timezone=[x[2] for x in place], opened_date=fmt.iso_date(opened))
    t.loaded_ts = loaded_after(rng, w, opened)
    t.set(_loaded_at=fmt.utc(t.loaded_ts))
    by_state = {}
    for k, i in enumerate(cities):
        by_state.setdefault(place[k][1], []).append(k)
    w.ref["stores"] = dict(ids=ids, tz=[x[2] for x in place], by_state=by_state, city=cities)


def _place(w, us_city):
    """(city, state or subdivision code, time zone) of a US city index, or of its counterpart abroad."""
    if w.country is None:
        c = lists.CITIES[us_city]
        return c[0], c[1], c[5]
    c = w.country.city(us_city)
    return c[0], c[1] if w.country.code == "GB" else c[1].split("-")[1], c[4]


def _home_store(w, rng, people, ts):
    S = w.ref["stores"]
    st = [_place(w, c)[1] for c in w.city(w.addr_at(people, ts))]
    r = rng.integers(0, 1000, len(people))
    return np.array([S["by_state"][s][k % len(S["by_state"][s])] if s in S["by_state"] else k % len(S["ids"])
                     for s, k in zip(st, r)], np.int64)


def build(c):
    w, P = c.w, c.w.people
    rng = c.rng(SYS, "core")
    S = w.ref["stores"]
    ty = Typist(w, c.rng(SYS, "typist"), PROF)
    rty = Typist(w, c.rng(SYS, "receipt"), RECEIPT)
    st = w.state.setdefault("pos", {})  # person -> card numbers
    new = c.new_people()

    # loyalty members (a few re-enrol with a second card)
    lp = new[P["loyal"][new]]
    lp = np.concatenate([lp, lp[rng.random(len(lp)) < 0.04]])
    nl = len(lp)
    enrolled = np.maximum(P["first_seen"][lp], w.start) + rng.integers(0, 200, nl) * DAY
    enrolled += rng.integers(14, 24, nl) * HOUR
    enrolled = np.minimum(enrolled, w.now - 2 * HOUR)
    home = _home_store(w, rng, lp, enrolled)
    cards = fmt.join("6001", fmt.scramble(w.seq("pos.cards", nl), 8, fmt.DIGITS), n=nl).to_pylist()
    for p, cd, e in zip(lp, cards, enrolled):
        st.setdefault(int(p), []).append((cd, int(e)))
    f, la = ty.names(lp)
    tz = np.array(S["tz"], object)[home]
    t = c.add(Table(SYS, "loyalty_members", COLS["loyalty_members"], "card_number", "_loaded_at", fmt.utc,
                    ts=[("enrolled_at", "offset")], email=["email"], names=["first_name", "last_name"]))
    t.set(card_number=cards, first_name=f, last_name=la, email=ty.email(lp, "rewards"), phone=ty.phone(lp),
          postal_code=[z.split("-")[0] for z in ty.address(lp, enrolled)["zip"]],
          enrolled_at=fmt.with_offset(enrolled, fmt.utc_offsets(enrolled, tz)),
          home_store_id=[S["ids"][k] for k in home])
    t.loaded_ts = loaded_after(rng, w, enrolled)
    t.set(_loaded_at=fmt.utc(t.loaded_ts))
    c.link(SYS, "loyalty_members", cards, lp)

    # shoppers: loyalty members and other store customers; plus walk-ins who are nobody we know
    shop = new[P["loyal"][new] | (P["cust"][new] & (rng.random(len(new)) < 0.35))]
    k = rng.poisson(np.where(P["loyal"][shop], 4.0, 1.5))
    sp = np.repeat(shop, k)
    old = c.people[c.repeat & P["loyal"][c.people]]
    sp = np.concatenate([sp, np.repeat(old, rng.poisson(1.0, len(old)))]).astype(np.int64)
    lo = np.maximum(P["first_seen"][sp], w.start)
    lo = np.where(P["cohort"][sp] != c.tag, np.maximum(lo, w.now - 120 * DAY), lo)
    ts = lo + (rng.random(len(sp)) * np.maximum(w.now - HOUR - lo, HOUR)).astype(np.int64)
    n_anon = int(len(sp) * 0.8)
    ts_anon = w.start + (rng.random(n_anon) * (w.now - w.start - HOUR)).astype(np.int64)
    person = np.concatenate([sp, np.full(n_anon, -1)])
    ts = daytime(rng, w, np.concatenate([ts, ts_anon]), 14, 26)
    srt = np.argsort(ts, kind="stable")
    person, ts = person[srt], ts[srt]
    n = len(person)
    known = person >= 0
    store = np.where(known, _home_store(w, rng, np.maximum(person, 0), ts), rng.integers(0, len(S["ids"]), n))
    store = np.where(known & (rng.random(n) < 0.15), rng.integers(0, len(S["ids"]), n), store)
    card = [None] * n
    for j, (p, u) in enumerate(zip(person, rng.random(n))):
        live = [cd for cd, e in st.get(int(p), []) if e < ts[j]] if p >= 0 and u < 0.65 else []
        card[j] = live[-1] if live else None
    has_card = np.array([x is not None for x in card], bool)
    typed = known & (rng.random(n) < 0.12)
    kn = np.flatnonzero(typed)
    names = [None] * n
    emails = [None] * n
    if len(kn):
        nm = rty.full(person[kn])
        em = rty.email(person[kn], "receipt")
        for j, a, b, u in zip(kn, nm, em, rng.random(len(kn))):
            names[j] = a if u < 0.6 else None
            emails[j] = b if u >= 0.25 else None
    typed = np.array([a is not None or b is not None for a, b in zip(names, emails)], bool)
    items = 1 + rng.poisson(2.0, n)
    total = np.round(items * np.exp(rng.normal(3.0, 0.8, n)), 2)
    tax = np.round(total * 0.0625 / 1.0625, 2)
    tz = np.array(S["tz"], object)[store]
    ids = fmt.number(w.seq("pos.transactions", n) + 10**9).to_pylist()
    t = c.add(Table(SYS, "transactions", COLS["transactions"], "id", "_loaded_at", fmt.utc,
                    ts=[("transacted_at", "offset")], email=["customer_email"], names=["customer_name"],
                    amount=[("total_amount", "dec")],
                    ref=[("loyalty_card_number", lambda r, k: [f"6009{x}" for x in r.integers(10**7, 10**8 - 1, k)])]))
    t.set(id=ids, store_id=[S["ids"][k] for k in store], register_id=[f"R{x}" for x in rng.integers(1, 9, n)],
          transacted_at=fmt.with_offset(ts, fmt.utc_offsets(ts, tz)), loyalty_card_number=card,
          customer_name=names, customer_email=emails, item_count=fmt.number(items), total_amount=fmt.money(total),
          tax_amount=fmt.money(tax), tender_type=list(pick_w(rng, ["card", "cash", "gift_card"], [75, 20, 5], n)))
    t.loaded_ts = loaded_after(rng, w, ts)
    t.set(_loaded_at=fmt.utc(t.loaded_ts))
    link = known & (has_card | typed)
    c.link(SYS, "transactions", [i for i, k in zip(ids, link) if k], person[link])
