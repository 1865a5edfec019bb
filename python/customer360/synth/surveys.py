"""Surveys (Qualtrics-style): definitions and responses, triggered by jobs and tickets or sent yearly."""

import numpy as np

from . import fmt
from .core import Table, loaded_after, opt, pick_w, tf
from .fmt import DAY, HOUR
from .noise import Typist, profile

SYS = "surveys"
COLS = {
    "surveys": ["id", "name", "survey_type", "touchpoint", "metric", "is_active", "created_at", "_loaded_at"],
    "responses": ["id", "survey_id", "recipient_first_name", "recipient_last_name", "recipient_email",
                  "recipient_phone", "distribution_channel", "start_date", "recorded_date", "is_finished",
                  "consent_to_be_named", "score", "comment", "ed_order_id", "ed_project_id", "ed_ticket_id",
                  "_loaded_at"],
}
PROF = profile(nick=0.4, typo=0.01, lower=0.04, email_none=0.0, email_work=0.05, phone_none=0.0)
DEFS = [  # name, type, touchpoint, metric, active
    ("Delivery CSAT", "transactional", "delivery", "csat", True),
    ("Installation CSAT", "transactional", "installation", "csat", True),
    ("Support Effort (CES)", "transactional", "support", "ces", True),
    ("Relationship NPS", "relationship", "relationship", "nps", True),
    ("Delivery NPS (retired)", "transactional", "delivery", "nps", False),
]
GOOD = {"nps": ([6, 7, 8, 9, 10], [2, 5, 15, 35, 43]), "csat": ([3, 4, 5], [10, 35, 55]),
        "ces": ([4, 5, 6, 7], [10, 20, 35, 35])}
BAD = {"nps": ([0, 1, 2, 3, 4, 5, 6, 7, 8], [10, 8, 10, 12, 14, 16, 14, 10, 6]), "csat": ([1, 2, 3, 4], [45, 35, 15, 5]),
       "ces": ([1, 2, 3, 4, 5], [30, 30, 20, 12, 8])}
DETRACTOR = {"nps": 6, "csat": 2, "ces": 3}
POSITIVE = ["Great service, the crew was on time and very professional.", "Very happy with the new windows!",
            "Easy process from start to finish.", "Friendly staff and quick answers.", "Would recommend to friends."]
NEUTRAL = ["It was fine.", "OK overall, a bit slow.", "Average experience.", "No complaints."]
NEGATIVE = ["Terrible experience, the delivery was late twice.", "Arrived damaged. I want a refund.",
            "Still waiting for someone to finish the job. Thinking about cancelling.",
            "Nobody called me back. Terrible service.", "I will cancel my order if this is not fixed.",
            "Worst installation ever, want my money back (refund!)."]


def definitions(c):
    w, rng = c.w, c.rng(SYS, "defs")
    n = len(DEFS)
    ids = fmt.rand_id(rng, "SV_", n, 15).to_pylist()
    created = w.start - rng.integers(30, 300, n) * DAY
    t = c.add(Table(SYS, "surveys", COLS["surveys"], "id", "_loaded_at", fmt.utc, ts=[("created_at", "iso")]))
    t.set(id=ids, name=[d[0] for d in DEFS], survey_type=[d[1] for d in DEFS], touchpoint=[d[2] for d in DEFS],
          metric=[d[3] for d in DEFS], is_active=tf([d[4] for d in DEFS]), created_at=fmt.utc(created))
    t.loaded_ts = loaded_after(rng, w, created)
    t.set(_loaded_at=fmt.utc(t.loaded_ts))
    w.ref["surveys"] = dict(ids=ids, touch=[d[2] for d in DEFS], metric=[d[3] for d in DEFS])


def _score(rng, metric, bad):
    vals, wts = (BAD if bad else GOOD)[metric]
    return int(rng.choice(vals, p=np.array(wts) / sum(wts)))


def build(c):
    w, P = c.w, c.w.people
    rng = c.rng(SYS, "core")
    S = w.ref["surveys"]
    J, T, O = c.ev["projects"], c.ev["tickets"], c.ev["orders"]
    rows = []  # survey index, person, ts, bad, trigger key, order id, project id, ticket id
    for j in np.flatnonzero(J["status"] == "completed"):
        typ = J["type"][j]
        if rng.random() < (0.28 if typ == "delivery" else 0.32):
            s = 0 if typ == "delivery" else 1
            bad = J["problem"][j] != "" or rng.random() < 0.05
            rows.append((s, int(J["buyer"][j]), int(J["done"][j]) + int(rng.integers(HOUR, 7 * DAY)), bad,
                         f"orders:projects:{J['id'][j]}", O["id"][J["order"][j]], J["id"][j], None))
    for j in np.flatnonzero(T["solved"]):
        if rng.random() < 0.25:
            bad = bool(T["problem"][j]) and rng.random() < 0.7 or T["slow"][j] > 3 * DAY
            o = T["order"][j]
            rows.append((2, int(T["person"][j]), int(T["solved_ts"][j]) + int(rng.integers(HOUR, 4 * DAY)), bad,
                         f"support:tickets:{T['id'][j]}", O["id"][o] if o >= 0 else None, None, T["id"][j]))
    # relationship NPS: about once in four years of tenure, lower after problems
    probs = {}
    for p in J["buyer"][J["problem"] != ""]:
        probs[int(p)] = probs.get(int(p), 0) + 1
    for p in T["person"][T["problem"]]:
        probs[int(p)] = probs.get(int(p), 0) + 1
    new = c.new_people()
    cust = np.concatenate([new[P["cust"][new]], c.people[c.repeat & P["cust"][c.people]]])
    for p in cust:
        lo = max(int(P["since"][p]) + 30 * DAY, w.start)
        if P["cohort"][p] != c.tag:
            lo = max(lo, w.now - 120 * DAY)
        years = (w.now - lo) / (365 * DAY)
        for _ in range(rng.poisson(max(years, 0) * 0.25)):
            ts = lo + int(rng.random() * (w.now - lo))
            bad = rng.random() < min(0.15 + 0.3 * probs.get(int(p), 0), 0.9)
            rows.append((3, int(p), ts, bad, None, None, None, None))
    rows = [r for r in rows if r[2] < w.now - HOUR]
    rows.sort(key=lambda r: r[2])
    n = len(rows)
    sv = np.array([r[0] for r in rows], np.int64)
    person = np.array([r[1] for r in rows], np.int64)
    rec = np.array([r[2] for r in rows], np.int64)
    bad = np.array([r[3] for r in rows], bool)
    metric = [S["metric"][s] for s in sv]
    trans = sv < 3
    chan = np.where(trans, pick_w(rng, ["email", "sms"], [80, 20], n),
                    pick_w(rng, ["email", "sms", "anonymous"], [75, 10, 15], n))
    finished = rng.random(n) < 0.93
    score = [_score(rng, m, b) for m, b in zip(metric, bad)]
    score = opt(score, finished | (rng.random(n) < 0.7))
    has_comment = rng.random(n) < np.where(bad, 0.75, 0.45)
    cu = rng.integers(0, 1000, n)
    comment = [(NEGATIVE[k % 6] if b else (POSITIVE[k % 5] if k % 3 else NEUTRAL[k % 4])) if h and f else None
               for b, h, f, k in zip(bad, has_comment, finished, cu)]
    embed = rng.random(n) < 0.8  # the trigger passed its ids
    order_only = ~embed & (rng.random(n) < 0.25)
    ed_order = [r[5] if (e or oo) else None for r, e, oo in zip(rows, embed, order_only)]
    ed_project = [r[6] if e else None for r, e in zip(rows, embed)]
    ed_ticket = [r[7] if e else None for r, e in zip(rows, embed)]
    ty = Typist(w, c.rng(SYS, "typist"), PROF)
    f, la = ty.names(person)
    anon = chan == "anonymous"
    email = opt(ty.email(person, "survey"), chan == "email")
    phone = opt(ty.phone(person, False), chan == "sms")
    consent = rng.random(n) < 0.85
    ids = fmt.rand_id(rng, "R_", n, 15).to_pylist()
    start = rec - rng.integers(60, 20 * 60, n)
    t = c.add(Table(SYS, "responses", COLS["responses"], "id", "_loaded_at", fmt.utc,
                    ts=[("recorded_date", "iso"), ("_loaded_at", "iso")], email=["recipient_email"],
                    names=["recipient_first_name", "recipient_last_name"],
                    ref=[("survey_id", lambda r, k: fmt.rand_id(r, "SV_", k, 15).to_pylist())]))
    t.set(id=ids, survey_id=[S["ids"][s] for s in sv], recipient_first_name=opt(f, ~anon),
          recipient_last_name=opt(la, ~anon), recipient_email=email, recipient_phone=phone,
          distribution_channel=list(np.where(anon, "anonymous link", chan)), start_date=fmt.utc(start),
          recorded_date=fmt.utc(rec), is_finished=tf(finished),
          consent_to_be_named=opt(tf(consent), ~anon), score=[None if s is None else str(s) for s in score],
          comment=comment, ed_order_id=ed_order, ed_project_id=ed_project, ed_ticket_id=ed_ticket)
    t.loaded_ts = loaded_after(rng, w, rec)
    t.set(_loaded_at=fmt.utc(t.loaded_ts))
    c.link(SYS, "responses", [i for i, a in zip(ids, anon) if not a], person[~anon])
    for r, i, e, a in zip(rows, ids, embed, anon):
        if r[4]:
            c.triggers.append((f"surveys:responses:{i}", r[4], S["touch"][r[0]], bool(e)))
    c.ev["survey_alerts"] = [(int(p), int(ts), i, s) for p, ts, i, s, m, cs, a in
                             zip(person, rec, ids, score, metric, consent, anon)
                             if s is not None and int(s) <= DETRACTOR[m] and cs and not a]
