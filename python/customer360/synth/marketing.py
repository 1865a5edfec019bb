"""Marketing automation: campaigns, sends (recipient details as the list held them), email events.

Also plants offers sent the same day as a policy cancellation/non-renewal notice (truth: planted_conflicts).
"""

import numpy as np

from . import fmt
from .core import Table, loaded_after, opt, pick_w
from .fmt import DAY, HOUR
from .noise import Typist, profile

SYS = "marketing"
COLS = {
    "campaigns": ["id", "name", "channel", "intent", "product_line", "start_date", "end_date", "budget_usd",
                  "created_at", "_loaded_at"],
    "sends": ["id", "campaign_id", "recipient_id", "channel", "first_name", "last_name", "email", "address_line_1",
              "address_line_2", "city", "state", "postal_code", "sent_at", "_loaded_at"],
    "email_events": ["id", "send_id", "event_type", "url", "occurred_at", "_loaded_at"],
}
PROF = profile(nick=0.6, rnick=0.05, lower=0.1, upper=0.04, typo=0.02, email_none=0.0, email_dots=0.2,
               email_plus=0.08, email_work=0.1, zip4=0.05, zip_lost0=0.03, stale_addr=0.3)
INTENTS = ["acquisition", "cross_sell", "up_sell", "retention", "win_back"]
LINES = {"acquisition": ["windows", "doors", None], "cross_sell": ["home", "auto", "warranty", "umbrella"],
         "up_sell": ["warranty", "hvac", "windows"], "retention": [None, "home"], "win_back": [None]}
OFFERS = ("cross_sell", "up_sell")


def campaigns(c):
    """Programs over the three years, plus two always-on offer programs (base cohort only)."""
    w, rng = c.w, c.rng(SYS, "campaigns")
    k = 42
    start = (w.start + (rng.random(k) * (w.now - w.start - 20 * DAY)).astype(np.int64)) // DAY * DAY
    end = np.minimum(start + rng.integers(7, 31, k) * DAY, w.now - DAY)
    intent = pick_w(rng, INTENTS, [30, 20, 15, 20, 15], k)
    chan = pick_w(rng, ["email", "direct_mail"], [75, 25], k)
    line = [LINES[i][int(rng.integers(0, len(LINES[i])))] for i in intent]
    start = np.concatenate([[w.start, w.start + 30 * DAY], start])
    end = np.concatenate([[w.now - DAY, w.now - DAY], end])
    intent = np.concatenate([["cross_sell", "up_sell"], intent])
    chan = np.concatenate([["email", "direct_mail"], chan])
    line = ["home", "warranty"] + line
    names = ["Always-on Home Insurance Cross-sell", "Always-on Warranty Up-sell"] + [
        f"{fmt.iso_date([s]).to_pylist()[0][:7]} {i.replace('_', '-').title()} {ln or 'Brand'} {ch.replace('_', ' ')}"
        for s, i, ln, ch in zip(start[2:], intent[2:], line[2:], chan[2:])]
    n = len(start)
    ids = fmt.number(w.seq("marketing.campaigns", n) + 1001).to_pylist()
    created = start - rng.integers(5, 30, n) * DAY
    t = c.add(Table(SYS, "campaigns", COLS["campaigns"], "id", "_loaded_at", fmt.utc, ts=[("created_at", "iso")],
                    amount=[("budget_usd", "dec")]))
    t.set(id=ids, name=names, channel=list(chan), intent=list(intent), product_line=line,
          start_date=fmt.iso_date(start), end_date=fmt.iso_date(end),
          budget_usd=fmt.money(np.round(np.exp(rng.normal(9.5, 0.8, n)), -2)), created_at=fmt.utc(created))
    t.loaded_ts = loaded_after(rng, w, created)
    t.set(_loaded_at=fmt.utc(t.loaded_ts))
    w.ref["campaigns"] = dict(ids=ids, start=start, end=end, intent=intent, chan=chan)


def _recipients(c, rng, ty):
    """Marketing-platform people: one id per person on the list, a second one for some."""
    w, P = c.w, c.w.people
    st = w.state.setdefault("marketing", {})
    new = c.new_people()
    lp = new[P["mkt"][new]]
    two = lp[rng.random(len(lp)) < 0.06]
    rp = np.concatenate([lp, two])
    n = len(rp)
    rid = fmt.number(w.seq("marketing.recipients", n) + 700_001).to_pylist()
    f, la = ty.names(rp)
    em = ty.email(rp, "news")
    # a second record often carries a work address or a typo'd email
    for j in range(len(lp), n):
        p = rp[j]
        em[j] = P["work"][p] or (em[j] and em[j].replace("@", "1@", 1))
    created = np.maximum(P["first_seen"][rp], w.start)
    for j, p in enumerate(rp):
        st.setdefault(int(p), []).append((rid[j], f[j], la[j], em[j], int(created[j])))
    old = [int(p) for p in c.people[c.repeat] if int(p) in st]
    out = [(p, *r) for p in list(dict.fromkeys(int(x) for x in rp)) + old for r in st[p]]
    return out


def build(c):
    w, P = c.w, c.w.people
    rng = c.rng(SYS, "core")
    ty = Typist(w, c.rng(SYS, "typist"), PROF)
    C = w.ref["campaigns"]
    R = _recipients(c, rng, ty)
    nr = len(R)
    r_person = np.array([r[0] for r in R], np.int64)
    r_created = np.array([r[5] for r in R], np.int64)
    is_old = P["cohort"][r_person] != c.tag if nr else np.zeros(0, bool)
    since = P["since"][r_person]
    cust = P["cust"][r_person]
    notice_days = w.state.setdefault("notice_days", set())
    for p, _, nt in c.ev.get("notices", []):
        notice_days.add((p, nt // DAY))

    sends = []  # recipient row, campaign, ts
    for k in range(len(C["ids"])):
        s, e, intent = int(C["start"][k]), int(C["end"][k]), C["intent"][k]
        always = k < 2
        ts = s + (rng.random(nr) * max(e - s, DAY)).astype(np.int64) // DAY * DAY + rng.integers(12, 20, nr) * HOUR
        p_send = 0.35 if always else 0.28
        take = rng.random(nr) < np.where(is_old, p_send * 0.25, p_send)
        if intent == "acquisition":
            ok = ~cust | (since > ts)
        elif intent == "win_back":
            ok = cust & (since < ts - 365 * DAY)
        else:
            ok = cust & (since < ts)
        ok &= take & (ts >= r_created) & (ts < w.now - HOUR)
        if intent in OFFERS:  # no accidental same-day offer on a notice day
            ok &= np.array([(int(p), int(t) // DAY) not in notice_days for p, t in zip(r_person, ts)], bool)
        for j in np.flatnonzero(ok):
            sends.append((int(j), k, int(ts[j])))

    # planted conflicts: an offer the same day as a cancellation / non-renewal notice
    first_rec = {}
    for j, r in enumerate(R):
        first_rec.setdefault(r[0], j)
    planted = []
    for p, eid, nt in c.ev.get("notices", []):
        if p in first_rec and rng.random() < 0.35:
            k = int(rng.integers(0, 2))
            sends.append((first_rec[p], k, nt + int(rng.integers(13, 18)) * HOUR + int(rng.integers(0, 3600))))
            planted.append((len(sends) - 1, p, eid))
    order = sorted(range(len(sends)), key=lambda i: (sends[i][2], sends[i][0], sends[i][1]))
    pos = {i: j for j, i in enumerate(order)}
    sends = [sends[i] for i in order]
    n = len(sends)
    row = np.array([s[0] for s in sends], np.int64)
    camp = np.array([s[1] for s in sends], np.int64)
    ts = np.array([s[2] for s in sends], np.int64)
    chan = np.asarray(C["chan"], object)[camp] if n else np.zeros(0, object)
    email_send = chan == "email"
    ids = fmt.join("9", fmt.scramble(w.seq("marketing.sends", n), 11, fmt.DIGITS), n=n).to_pylist()
    person = r_person[row]
    stale = rng.random(n) < 0.3
    ad = ty.address(person, np.where(stale, r_created[row], ts))
    dm = ~email_send
    t = c.add(Table(SYS, "sends", COLS["sends"], "id", "_loaded_at", fmt.utc,
                    ts=[("sent_at", "iso"), ("_loaded_at", "iso")],
                    email=["email"], names=["first_name", "last_name"],
                    ref=[("campaign_id", lambda r, k: [str(x) for x in r.integers(90_000, 99_999, k)])]))
    t.set(id=ids, campaign_id=[C["ids"][k] for k in camp], recipient_id=[R[j][1] for j in row], channel=list(chan),
          first_name=[R[j][2] for j in row], last_name=[R[j][3] for j in row],
          email=opt([R[j][4] for j in row], email_send), address_line_1=opt(ad["line1"], dm),
          address_line_2=opt(ad["line2"], dm), city=opt(ad["city"], dm), state=opt(ad["state"], dm),
          postal_code=opt(ad["zip"], dm), sent_at=fmt.utc(ts))
    t.loaded_ts = loaded_after(rng, w, ts)
    t.set(_loaded_at=fmt.utc(t.loaded_ts))
    c.link(SYS, "sends", ids, person)
    prot = np.zeros(n, bool)
    for i, p, eid in planted:
        j = pos[i]
        prot[j] = True
        c.conflicts.append((int(p), f"policy:policy_events:{eid}", f"marketing:sends:{ids[j]}"))
    t.protect = prot
    # keep the planted pair intact: the notice, its policy and holder escape the defect injector
    for (name, i) in zip(("policy_events", "policies", "policy_holders"), range(3)):
        tb = c.table("policy", name)
        if tb.protect is None:
            tb.protect = np.zeros(len(tb), bool)
        for _, _, eid in planted:
            k = c.ev["notice_rows"][eid][i]
            if k >= 0:
                tb.protect[k] = True

    # email engagement
    es = np.flatnonzero(email_send)
    m = len(es)
    bounce = rng.random(m) < 0.05
    opened = ~bounce & (rng.random(m) < 0.35)
    clicked = opened & (rng.random(m) < 0.25)
    unsub = ~bounce & (rng.random(m) < 0.01)
    t_del = ts[es] + rng.integers(1, 60, m)
    t_open = t_del + (rng.exponential(2 * HOUR, m)).astype(np.int64)
    t_click = t_open + rng.integers(2, 300, m)
    t_uns = t_open + rng.integers(5, 600, m)
    ev_send = np.concatenate([es, es[opened], es[clicked], es[unsub]])
    ev_type = np.array(["bounce" if b else "delivered" for b in bounce] + ["open"] * int(opened.sum()) +
                       ["click"] * int(clicked.sum()) + ["unsubscribe"] * int(unsub.sum()), object)
    ev_ts = np.concatenate([t_del, t_open[opened], t_click[clicked], t_uns[unsub]])
    keep = ev_ts < w.now - 60
    srt = np.lexsort((ev_send[keep], ev_ts[keep]))
    ev_send, ev_type, ev_ts = ev_send[keep][srt], ev_type[keep][srt], ev_ts[keep][srt]
    ne = len(ev_send)
    url = [f"https://www.ourco.example.com/offers?utm_source=email&utm_campaign=mkt_{C['ids'][camp[s]]}"
           if e == "click" else None for s, e in zip(ev_send, ev_type)]
    t2 = c.add(Table(SYS, "email_events", COLS["email_events"], "id", "_loaded_at", fmt.utc,
                     ts=[("occurred_at", "iso")],
                     ref=[("send_id", lambda r, k: [f"8{x}" for x in r.integers(10**10, 10**11 - 1, k)])]))
    t2.set(id=fmt.join("2", fmt.scramble(w.seq("marketing.email_events", ne), 12, fmt.DIGITS), n=ne),
           send_id=[ids[s] for s in ev_send], event_type=list(ev_type), url=url, occurred_at=fmt.utc(ev_ts))
    t2.loaded_ts = loaded_after(rng, w, ev_ts)
    t2.set(_loaded_at=fmt.utc(t2.loaded_ts))
    clicks = ev_type == "click"
    c.ev["clicks"] = dict(person=person[ev_send[clicks]], ts=ev_ts[clicks],
                          campaign=[C["ids"][camp[s]] for s in ev_send[clicks]])
