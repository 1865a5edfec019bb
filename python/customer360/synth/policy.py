"""Policy administration (legacy extract): holders, policies, events. MM/DD/YYYY dates, upper-case names."""

import numpy as np

from . import fmt
from .core import Table, opt, pick_w
from .fmt import DAY
from .noise import Typist, profile

SYS = "policy"
COLS = {
    "policy_holders": ["holder_id", "first_name", "middle_name", "last_name", "name_suffix", "birth_date", "ssn",
                       "address_line_1", "address_line_2", "city", "state", "zip", "country", "phone", "email",
                       "created_date", "extract_date"],
    "policies": ["policy_number", "holder_id", "product_line", "status", "effective_date", "expiration_date",
                 "annual_premium", "extract_date"],
    "policy_events": ["event_id", "policy_number", "event_type", "reason_code", "notice_sent_date", "event_date",
                      "extract_date"],
}
PROF = profile(nick=0.0, rnick=0.0, upper=0.0, lower=0.0, mi=0.0, typo=0.015, mid=0.8, suffix=0.9,
               email_none=0.3, email_work=0.05, phone_none=0.1, phone_style=(10, 40, 5, 0, 40, 5, 0, 0),
               st_type=(20, 60, 5, 15), addr_upper=0.6, zip4=0.4, unit=(60, 20, 20, 0))
PRODUCTS = ["home", "auto", "umbrella", "warranty"]
PREFIX = {"home": "HO-", "auto": "AU-", "umbrella": "UM-", "warranty": "WR-"}
PREMIUM = {"home": 1300, "auto": 1450, "umbrella": 350, "warranty": 220}
REASONS = ["underwriting_risk", "non_payment", "customer_request", "claims_history"]


def _table(name, id_col, ts):
    return Table(SYS, name, COLS[name], id_col, "extract_date", fmt.mdy, ts=ts)


def build(c):
    w, P = c.w, c.w.people
    rng = c.rng(SYS, "core")
    ty = Typist(w, c.rng(SYS, "typist"), PROF)
    st = w.state.setdefault("policy", {})  # person -> holder id
    extract = np.full(1, w.now - DAY)
    new = c.new_people()
    hp = new[P["policy"][new]]
    nh = len(hp)
    h_created = np.maximum(P["first_seen"][hp], w.start) + rng.integers(0, 90, nh) * DAY
    h_created = np.minimum(h_created, w.now - 15 * DAY) // DAY * DAY
    hids = fmt.seq_id("PH", w.seq("policy.policy_holders", nh) + 3_000_001, 7).to_pylist()
    for p, h in zip(hp, hids):
        st[int(p)] = h

    # policies: new holders get 1-2, some existing holders (extra cohort) get one more
    old = [p for p in c.people[c.repeat] if int(p) in st and rng.random() < 0.3]
    pol_person = np.concatenate([hp, hp[rng.random(nh) < 0.35], np.array(old, np.int64)]).astype(np.int64)
    npol = len(pol_person)
    created_of = {int(p): int(t) for p, t in zip(hp, h_created)}
    lo = np.array([created_of.get(int(p), w.now - 200 * DAY) for p in pol_person], np.int64)
    lo[nh:] += (rng.random(npol - nh) * np.maximum(w.now - 20 * DAY - lo[nh:], 0)).astype(np.int64) // DAY * DAY
    eff = lo
    prod = pick_w(rng, PRODUCTS, [40, 35, 10, 15], npol)
    term = np.where(prod == "warranty", 3 * 365, 365) * DAY
    codes = fmt.fixed(fmt.scramble(w.seq("policy.policies", npol), 7, fmt.DIGITS)).to_pylist()
    pnum = [PREFIX[p] + x for p, x in zip(prod, codes)]
    premium = np.round(np.array([PREMIUM[p] for p in prod]) * np.exp(rng.normal(0, 0.25, npol)), 2)

    ev = []  # policy index, type, reason, notice ts or -1, event ts
    status = np.full(npol, "active", object)
    expiry = eff + term
    for i in range(npol):
        ev.append((i, "issued", None, -1, int(eff[i])))
        t = int(eff[i]) + int(term[i])
        u = rng.random() if i < npol - len(old) else 1.0  # no notices on existing people's new policies
        ended = False
        if u < 0.09:  # cancellation notice, then cancelled or reinstated
            span = w.now - 5 * DAY - int(eff[i]) - 30 * DAY
            if span > DAY:
                nt = (int(eff[i]) + 30 * DAY + int(rng.random() * span)) // DAY * DAY
                reason = str(rng.choice(REASONS, p=[0.3, 0.35, 0.2, 0.15]))
                ev.append((i, "cancellation_notice", reason, nt, nt))
                done = nt + int(rng.integers(15, 31)) * DAY
                if rng.random() < 0.75:
                    if done < w.now:
                        ev.append((i, "cancelled", reason, -1, done))
                        status[i] = "cancelled"
                        expiry[i] = done
                        ended = True
                else:
                    rd = nt + int(rng.integers(5, 14)) * DAY
                    if rd < w.now:
                        ev.append((i, "reinstated", reason, -1, rd))
        elif u < 0.15:  # non-renewal notice before an expiry
            while t - 60 * DAY < w.now - 5 * DAY and t < w.now + 300 * DAY:
                if rng.random() < 0.5 or t + int(term[i]) - 60 * DAY >= w.now:
                    break
                ev.append((i, "renewed", None, -1, t))
                t += int(term[i])
            nt = (t - int(rng.integers(45, 61)) * DAY) // DAY * DAY
            if nt < w.now - DAY:
                reason = str(rng.choice(REASONS, p=[0.45, 0.1, 0.05, 0.4]))
                ev.append((i, "non_renewal_notice", reason, nt, nt))
                expiry[i] = t
                if t < w.now:
                    status[i] = "non_renewed"
                ended = True
        elif u < 0.19 and t < w.now:
            status[i] = "lapsed"
            expiry[i] = t
            ended = True
        if not ended:
            while t < w.now:
                ev.append((i, "renewed", None, -1, t))
                t += int(term[i])
            expiry[i] = t
        if rng.random() < 0.15:
            span = min(int(expiry[i]), w.now) - int(eff[i])
            if span > 2 * DAY:
                ev.append((i, "endorsed", None, -1, (int(eff[i]) + int(rng.random() * span)) // DAY * DAY))
    ev.sort(key=lambda e: (e[4], e[0]))
    ne = len(ev)
    eids = fmt.number(w.seq("policy.policy_events", ne) + 5_000_001).to_pylist()
    notice = np.array([e[3] for e in ev], np.int64)
    ev_pol = np.array([e[0] for e in ev], np.int64)
    c.ev["notices"] = [(int(pol_person[e[0]]), eid, e[3]) for e, eid in zip(ev, eids)
                       if e[1] in ("cancellation_notice", "non_renewal_notice")]

    # holder rows
    f, la = ty.names(hp)
    mid = ty.middle(hp)
    up = rng.random(nh) < 0.6  # the legacy screens force upper case for most records
    f, mid, la = ([x.upper() if x and u else x for x, u in zip(v, up)] for v in (f, mid, la))
    ssn = P["ssn"][hp]
    dash = rng.random(nh) < 0.6
    if w.country is None:
        ssn_txt = opt([f"{s[:3]}-{s[3:5]}-{s[5:]}" if d else s for s, d in zip(ssn, dash)], rng.random(nh) > 0.08)
    else:  # the national id, with and without its spaces
        ssn_txt = opt([w.country.national_id_typed(s, d) for s, d in zip(ssn, dash)], rng.random(nh) > 0.08)
    ad = ty.address(hp, h_created)
    t = c.add(_table("policy_holders", "holder_id", [("created_date", "mdy"), ("extract_date", "mdy")]))
    t.roles.update(email=["email"], names=["first_name", "last_name"])
    t.set(holder_id=hids, first_name=f, middle_name=mid, last_name=la, name_suffix=ty.suffix(hp, dots=False),
          birth_date=opt(fmt.mdy(P["birth"][hp] * DAY).to_pylist(), rng.random(nh) < 0.95), ssn=ssn_txt,
          address_line_1=ad["line1"], address_line_2=ad["line2"], city=ad["city"], state=ad["state"], zip=ad["zip"],
          country=[None] * nh, phone=ty.phone(hp), email=ty.email(hp, "policy"), created_date=fmt.mdy(h_created))
    c.link(SYS, "policy_holders", hids, hp)

    t2 = c.add(_table("policies", "policy_number", [("effective_date", "mdy"), ("extract_date", "mdy")]))
    t2.roles.update(amount=[("annual_premium", "dec")],
                    ref=[("holder_id", lambda r, k: [f"PH{x}" for x in r.integers(9_000_000, 9_999_999, k)])])
    t2.set(policy_number=pnum, holder_id=[st[int(p)] for p in pol_person], product_line=list(prod),
           status=list(status), effective_date=fmt.mdy(eff), expiration_date=fmt.mdy(expiry),
           annual_premium=fmt.money(premium))

    t3 = c.add(_table("policy_events", "event_id", [("event_date", "mdy"), ("extract_date", "mdy")]))
    t3.roles.update(ref=[("policy_number", lambda r, k: [f"HO-{x}" for x in r.integers(90_000_000, 99_999_999, k)])])
    t3.set(event_id=eids, policy_number=[pnum[i] for i in ev_pol], event_type=[e[1] for e in ev],
           reason_code=[e[2] for e in ev], notice_sent_date=fmt.nulls(fmt.mdy(np.maximum(notice, 0)), notice < 0),
           event_date=fmt.mdy(np.array([e[4] for e in ev], np.int64)))
    holder_row = {int(p): j for j, p in enumerate(hp)}
    c.ev["notice_rows"] = {eid: (k, int(ev_pol[k]), holder_row.get(int(pol_person[ev_pol[k]]), -1))
                           for k, (eid, e) in enumerate(zip(eids, ev)) if e[3] >= 0}
    for tb in (t, t2, t3):
        tb.loaded_ts = np.repeat(extract, len(tb))
        tb.set(extract_date=fmt.mdy(tb.loaded_ts))
