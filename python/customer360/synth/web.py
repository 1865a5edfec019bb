"""Web site: registrations, sessions and page events keyed by a browser cookie (parquet for clickstream)."""

import numpy as np

from . import fmt
from .core import Table, loaded_after, opt, pick_w, tf
from .fmt import DAY, HOUR
from .noise import Typist, profile

SYS = "web"
COLS = {
    "registrations": ["id", "email", "first_name", "last_name", "phone", "postal_code", "cookie_id",
                      "is_marketing_opt_in", "registered_at", "_loaded_at"],
    "sessions": ["id", "cookie_id", "user_id", "started_at", "ended_at", "landing_page", "referrer", "utm_source",
                 "utm_campaign", "device_type", "_loaded_at"],
    "page_events": ["id", "session_id", "cookie_id", "user_id", "event_type", "page_path", "occurred_at", "_loaded_at"],
}
PROF = profile(nick=0.6, rnick=0.05, lower=0.15, upper=0.02, typo=0.02, email_none=0.0, email_plus=0.05,
               email_case=0.03, phone_none=0.5, zip4=0.0)
PAGES = ["/", "/windows", "/doors", "/roofing", "/hvac", "/financing", "/about", "/offers", "/account", "/stores"]
PAGE_W = [25, 18, 12, 6, 8, 6, 4, 8, 8, 5]
OTHER = {"add_to_cart": "/cart", "quote_request": "/quote", "form_submit": "/contact",
         "login": "/login", "register": "/register"}


def build(c):
    w, P = c.w, c.w.people
    rng = c.rng(SYS, "core")
    ty = Typist(w, c.rng(SYS, "typist"), PROF)
    st = w.state.setdefault("web", {})  # person -> (user id, [cookies], registered ts)
    new = c.new_people()

    # registrations
    rp = new[P["web"][new]]
    nr = len(rp)
    base = np.where(P["cust"][rp], P["since"][rp] + rng.integers(-60, 120, nr) * DAY, P["first_seen"][rp])
    reg = np.clip(base, w.start + DAY, w.now - 2 * HOUR) + rng.integers(0, 12, nr) * HOUR
    reg = np.minimum(reg, w.now - HOUR)
    uids = fmt.number(w.seq("web.registrations", nr) + 200_001).to_pylist()
    ncook = rng.choice([1, 2, 3], nr, p=[0.55, 0.3, 0.15])
    cookies = fmt.uuid4(rng, int(ncook.sum())).to_pylist()
    ck = np.cumsum(ncook) - ncook
    for j, p in enumerate(rp):
        st[int(p)] = (uids[j], cookies[ck[j]: ck[j] + ncook[j]], int(reg[j]))
    f, la = ty.names(rp)
    t = c.add(Table(SYS, "registrations", COLS["registrations"], "id", "_loaded_at", fmt.utc,
                    ts=[("registered_at", "iso"), ("_loaded_at", "iso")], email=["email"],
                    names=["first_name", "last_name"]))
    zips = [z.split("-")[0] for z in ty.address(rp, reg)["zip"]]
    t.set(id=uids, email=ty.email(rp, "web"), first_name=opt(f, rng.random(nr) < 0.9),
          last_name=opt(la, rng.random(nr) < 0.85), phone=ty.phone(rp, False),
          postal_code=opt(zips, rng.random(nr) < 0.6),
          cookie_id=[cookies[k] for k in ck], is_marketing_opt_in=tf(rng.random(nr) < 0.55), registered_at=fmt.utc(reg))
    t.loaded_ts = loaded_after(rng, w, reg)
    t.set(_loaded_at=fmt.utc(t.loaded_ts))
    c.link(SYS, "registrations", uids, rp)

    # sessions of known people: before registration anonymous, the registration session, later visits
    sess = []  # person, cookie, user or None, ts, kind ('reg', 'login', 'anon'), campaign or None
    for j, p in enumerate(rp):
        uid, cks, rts = st[int(p)]
        sess.append((int(p), cks[0], uid, rts, "reg", None))
        lo = max(int(P["first_seen"][p]), w.start)
        for _ in range(rng.poisson(3.0)):
            ts = lo + int(rng.random() * max(w.now - HOUR - lo, HOUR))
            cook = cks[int(rng.integers(0, len(cks)))]
            login = ts > rts and rng.random() < 0.5
            sess.append((int(p), cook, uid if login else None, ts, "login" if login else "anon", None))
        for cook in cks[1:]:  # every device logs in at least once
            ts = rts + int(rng.random() * max(w.now - HOUR - rts, HOUR))
            sess.append((int(p), cook, uid, ts, "login", None))
    for p in c.people[c.repeat]:
        if int(p) in st and rng.random() < 0.5:
            uid, cks, rts = st[int(p)]
            for _ in range(1 + rng.poisson(1.0)):
                ts = w.now - int(rng.integers(HOUR, 120 * DAY))
                login = rng.random() < 0.6
                sess.append((int(p), cks[int(rng.integers(0, len(cks)))], uid if login else None, ts,
                             "login" if login else "anon", None))
    K = c.ev.get("clicks", dict(person=[], ts=[], campaign=[]))
    for p, ts, camp in zip(K["person"], K["ts"], K["campaign"]):
        if int(p) in st and rng.random() < 0.8:
            uid, cks, rts = st[int(p)]
            sess.append((int(p), cks[0], None, int(ts) + 5, "anon", camp))
    n_known = len(sess)
    # anonymous visitors: cookies of nobody we know
    na = int(n_known * 0.6)
    anon_cookies = fmt.uuid4(rng, max(1, na // 2)).to_pylist()
    a_ts = w.start + (rng.random(na) * (w.now - w.start - HOUR)).astype(np.int64)
    a_ck = rng.integers(0, len(anon_cookies), na)
    sess += [(-1, anon_cookies[k], None, int(ts_), "anon", None) for k, ts_ in zip(a_ck, a_ts)]
    sess.sort(key=lambda s: (s[3], s[1]))
    n = len(sess)
    person = np.array([s[0] for s in sess], np.int64)
    start = np.array([s[3] for s in sess], np.int64)
    kind = np.array([s[4] for s in sess], object)
    user = [s[2] for s in sess]
    camp = [s[5] for s in sess]
    dur = np.minimum(rng.integers(20, 1800, n), np.maximum(w.now - 60 - start, 1))
    end = start + dur
    ids = fmt.uuid4(rng, n)
    hosts = [None, "www.google.com", "www.bing.com", "www.facebook.com", "www.houzz.com"]
    ref = pick_w(rng, hosts, [35, 40, 8, 10, 7], n)
    from_mail = np.array([x is not None for x in camp], bool)
    ref = np.where(from_mail, None, ref)
    social = (ref == "www.facebook.com") & (rng.random(n) < 0.5)
    utm_src = np.where(from_mail, "email", np.where(social, "facebook", None))
    landing = pick_w(rng, PAGES, PAGE_W, n)
    landing = np.where(from_mail, "/offers", landing)
    t2 = c.add(Table(SYS, "sessions", COLS["sessions"], "id", "_loaded_at", fmt.utc,
                     ts=[("started_at", "iso"), ("_loaded_at", "iso")]))
    t2.set(id=ids, cookie_id=[s[1] for s in sess], user_id=user, started_at=fmt.utc(start), ended_at=fmt.utc(end),
           landing_page=list(landing), referrer=list(ref), utm_source=list(utm_src),
           utm_campaign=[f"mkt_{x}" if x else None for x in camp],
           device_type=list(pick_w(rng, ["desktop", "mobile", "tablet"], [50, 42, 8], n)))
    t2.loaded_ts = loaded_after(rng, w, end)
    t2.set(_loaded_at=fmt.utc(t2.loaded_ts))
    known = person >= 0
    c.link(SYS, "sessions", [i for i, k in zip(ids.to_pylist(), known) if k], person[known])

    # page events: views, a login/register step in identified sessions, cart/quote/form actions
    npv = 1 + rng.poisson(1.6, n)
    special = np.isin(kind, ["reg", "login"])
    k = npv + special
    si = np.repeat(np.arange(n), k)
    pos = np.arange(len(si)) - np.repeat(np.cumsum(k) - k, k)
    at = np.minimum(1 + (rng.random(n) * npv).astype(np.int64), npv)  # index of the login/register step
    is_special = special[si] & (pos == at[si])
    ev_type = pick_w(rng, ["page_view", "add_to_cart", "quote_request", "form_submit"], [75, 10, 8, 7], len(si))
    ev_type = np.where(pos == 0, "page_view", ev_type)
    ev_type = np.where(is_special, np.where(kind[si] == "reg", "register", "login"), ev_type)
    page = pick_w(rng, PAGES, PAGE_W, len(si))
    page = np.where(pos == 0, landing[si], page)
    page = np.array([OTHER.get(e, pg) for e, pg in zip(ev_type, page)], object)
    after = special[si] & (pos >= at[si])
    users = np.array(user, object)
    ev_user = np.where(after, users[si], None)
    frac = np.where(pos == 0, 0.0, (pos + rng.random(len(si)) * 0.9) / k[si])
    ev_ts = start[si] + (frac * dur[si]).astype(np.int64)
    ne = len(si)
    t3 = c.add(Table(SYS, "page_events", COLS["page_events"], "id", "_loaded_at", fmt.utc,
                     ts=[("occurred_at", "iso"), ("_loaded_at", "iso")],
                     ref=[("session_id", lambda r, k: fmt.uuid4(r, k).to_pylist())]))
    cookies_s = np.array([s[1] for s in sess], object)
    t3.set(id=fmt.uuid4(rng, ne), session_id=ids.take(si), cookie_id=list(cookies_s[si]), user_id=list(ev_user),
           event_type=list(ev_type), page_path=list(page), occurred_at=fmt.utc(ev_ts))
    t3.loaded_ts = t2.loaded_ts[si]
    t3.set(_loaded_at=fmt.utc(t3.loaded_ts))
