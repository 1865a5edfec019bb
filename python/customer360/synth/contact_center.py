"""Contact center: inbound calls and chats in local New York time, caller details as captured."""

import numpy as np

from . import fmt
from .core import Table, clip_now, daytime, opt, pick_w
from .fmt import DAY, HOUR
from .noise import Typist, profile

SYS = "contact_center"
COLS = {"interactions": ["id", "channel", "started_at_local", "duration_seconds", "caller_phone", "caller_name",
                         "caller_email", "caller_postal_code", "queue", "reason_code", "outcome", "ticket_id",
                         "agent_id", "exported_at"]}
TZ = "America/New_York"
PROF = profile(nick=0.5, lastfirst=0.25, fullmid=0.0, typo=0.06, upper=0.12, lower=0.05, swap=0.02,
               email_none=0.0, email_case=0.1, phone_none=0.0, phone_land=0.3, phone_style=(0, 0, 0, 0, 20, 0, 0, 0))
ANI = profile(phone_none=0.0, phone_land=0.3, phone_style=(0, 0, 0, 0, 25, 0, 75, 0))
TICKET_REASON = {"late": "delivery_status", "status": "delivery_status", "incomplete": "installation_issue",
                 "billing": "billing_question", "complaint": "complaint", "damaged": "complaint",
                 "product": "product_question"}
QUEUE = {"delivery_status": "Customer Care", "installation_issue": "Installations",
         "billing_question": "Billing", "complaint": "Customer Care", "product_question": "Sales",
         "cancel_request": "Retention", "other": "Customer Care"}


def fake_ticket(rng, n):
    return [str(x) for x in rng.integers(90_000_000, 99_000_000, n)]


def build(c):
    w, P = c.w, c.w.people
    rng = c.rng(SYS, "core")
    T = c.ev["tickets"]

    # calls/chats that opened tickets
    tk = np.flatnonzero(np.isin(T["via"], ["phone", "chat"]))
    p1, ts1 = T["person"][tk], T["ts"][tk] - rng.integers(60, 20 * 60, len(tk))
    r1 = np.array([TICKET_REASON[T["reason"][j]] for j in tk], object)
    ch1 = np.where(T["via"][tk] == "phone", "call", "chat")
    # other contacts: customers, prospects, policy notices (retention), existing people (extra cohort)
    new = c.new_people()
    k = rng.poisson(np.where(P["cust"][new], 0.5, 0.1))
    p2 = np.repeat(new, k)
    p2 = np.concatenate([p2, c.people[c.repeat & (rng.random(len(c.people)) < 0.15)]])
    lo = np.maximum(P["first_seen"][p2], w.start)
    lo = np.where(P["cohort"][p2] != c.tag, np.maximum(lo, w.now - 120 * DAY), lo)
    ts2 = lo + (rng.random(len(p2)) * np.maximum(w.now - lo, HOUR)).astype(np.int64)
    r2 = pick_w(rng, ["delivery_status", "billing_question", "product_question", "installation_issue", "other"],
                [30, 25, 25, 10, 10], len(p2))
    notices = c.ev.get("notices", [])
    nsel = [x for x in notices if rng.random() < 0.4]
    p3 = np.array([x[0] for x in nsel], np.int64)
    ts3 = np.array([x[2] for x in nsel], np.int64) + rng.integers(DAY, 10 * DAY, len(nsel)) + 14 * HOUR
    ts2 = daytime(rng, w, ts2)
    person = np.concatenate([p1, p2, p3]).astype(np.int64)
    ts = np.concatenate([ts1, ts2, ts3]).astype(np.int64)
    reason = np.concatenate([r1, r2, np.full(len(p3), "cancel_request", object)])
    chan = np.concatenate([ch1, pick_w(rng, ["call", "chat"], [75, 25], len(p2) + len(p3))])
    ticket = [T["id"][j] if rng.random() < 0.92 else None for j in tk] + [None] * (len(p2) + len(p3))
    # anonymous callers who are nobody we know (blocked numbers, wrong numbers)
    na = max(1, len(person) // 10)
    ts_a = w.start + (rng.random(na) * (w.now - w.start)).astype(np.int64)

    ok = ts < w.now - 600
    person, ts, reason, chan = person[ok], ts[ok], reason[ok], chan[ok]
    ticket = [t for t, o in zip(ticket, ok) if o]
    n = len(person)
    ty, ani = Typist(w, c.rng(SYS, "typist"), PROF), Typist(w, c.rng(SYS, "ani"), ANI)
    u = rng.random((4, n))
    call = chan == "call"
    phone = opt(ani.phone(person), call & (u[0] < 0.85) | ~call & (u[0] < 0.2))
    name = opt(ty.full(person), u[1] < np.where(call, 0.7, 0.85))
    email = opt(ty.email(person, "chat"), ~call & (u[2] < 0.7))
    zips = opt([z.split("-")[0] for z in ty.address(person, ts)["zip"]], u[3] < 0.5)
    known = np.array([a is not None or b is not None or e is not None for a, b, e in zip(phone, name, email)], bool)

    # append the anonymous ones
    all_ts = np.concatenate([ts, ts_a])
    N = n + na
    fake_phone = [f"{rng.integers(201, 989)}{rng.integers(2_000_000, 9_999_999)}" if rng.random() < 0.5 else None
                  for _ in range(na)]
    if w.country is not None:
        fake_phone = [w.country.fake_phone(x) if x else None for x in fake_phone]
    outcome = np.where(np.array([t is not None for t in ticket] + [False] * na), "ticket_created",
                       pick_w(rng, ["resolved", "transferred", "callback_scheduled", "abandoned"], [70, 12, 12, 6], N))
    all_chan = np.concatenate([chan, np.full(na, "call", object)])
    dur = np.where(all_chan == "call", rng.integers(60, 1800, N), rng.integers(120, 2400, N))
    dur = np.where(outcome == "abandoned", rng.integers(5, 90, N), dur)
    all_reason = np.concatenate([reason, pick_w(rng, ["other", "product_question"], [60, 40], na)])
    ids = fmt.join("7", fmt.scramble(w.seq("contact_center.interactions", N), 10, fmt.DIGITS), n=N).to_pylist()
    local = all_ts + fmt.utc_offset(all_ts, TZ if w.country is None else w.country.contact_center_tz) * 60
    exported = clip_now(w, np.maximum(w.now - rng.integers(HOUR, 20 * HOUR, N), all_ts + dur + 600), 60)
    t = c.add(Table(SYS, "interactions", COLS["interactions"], "id", "exported_at", fmt.plain,
                    ts=[("started_at_local", "plain"), ("exported_at", "plain")], email=["caller_email"],
                    names=["caller_name"], ref=[("ticket_id", fake_ticket)]))
    t.set(id=ids, channel=list(all_chan), started_at_local=fmt.plain(local), duration_seconds=fmt.number(dur),
          caller_phone=list(phone) + fake_phone, caller_name=list(name) + [None] * na,
          caller_email=list(email) + [None] * na, caller_postal_code=list(zips) + [None] * na,
          queue=[QUEUE[r] for r in all_reason], reason_code=list(all_reason), outcome=list(outcome),
          ticket_id=ticket + [None] * na,
          agent_id=[f"A{x:04d}" for x in rng.integers(1001, 1001 + max(8, w.customers // 150), N)],
          exported_at=fmt.plain(exported))
    t.loaded_ts = exported
    c.link(SYS, "interactions", [i for i, k in zip(ids, known) if k], person[known])
