"""Support desk (Zendesk via Fivetran): tickets and their comments."""

import numpy as np

from . import fmt
from .core import Table, clip_now, daytime, loaded_after, opt, pick_w, tf
from .fmt import DAY, HOUR
from .noise import Typist, profile

SYS = "support"
COLS = {
    "tickets": ["id", "type", "subject", "description", "status", "priority", "via_channel", "group_name",
                "requester_name", "requester_email", "requester_phone", "order_id", "assignee_id",
                "created_at", "updated_at", "solved_at", "_fivetran_synced"],
    "ticket_comments": ["id", "ticket_id", "author_role", "body", "is_public", "created_at", "_fivetran_synced"],
}
PROF = profile(nick=0.55, lastfirst=0.05, fullmid=0.05, lower=0.15, typo=0.03, email_none=0.08,
               email_plus=0.05, email_case=0.1, phone_none=0.45)
AGENTS = [f"36{k:08d}" for k in (10021, 10488, 11270, 11932, 12045, 12811, 13377, 14020, 14563, 15102,
                                 15899, 16234, 16700, 17311, 18045, 18522)]

# reason: (subject, group, description)
REASONS = {
    "late": ("Delivery is late", "Customer Care",
             "Our delivery was scheduled for {date} and nobody showed up. Where is my order?"),
    "damaged": ("Item arrived damaged", "Customer Care",
                "The delivery arrived damaged, the frame is cracked. I want a replacement or a refund."),
    "incomplete": ("Installation not finished", "Installations",
                   "The crew left without finishing the installation and nobody called back."),
    "billing": ("Question about my invoice", "Billing",
                "I think I was charged twice for my order. Can you check my invoice?"),
    "product": ("Product question", "Sales",
                "Do your windows come in a black exterior finish? What is the lead time?"),
    "status": ("Order status", "Customer Care", "Can you tell me when my order will be delivered?"),
    "complaint": ("Very unhappy with the service", "Customer Care",
                  "This has been a terrible experience. I want to cancel and get a refund."),
}
AGENT_LINES = ["Thanks for reaching out, we are looking into it.", "I have escalated this to the installations team.",
               "Your refund has been processed.", "We rescheduled the visit, see the new date in your account.",
               "Could you send a photo of the damage?", "Glad we could help, closing this ticket."]
USER_LINES = ["Any update on this?", "Thank you, that works.", "Still waiting, this is taking too long.",
              "Attached the photos.", "OK, thanks."]
NOTES = ["Customer called twice already.", "Checked with the crew lead.", "Refund approved by supervisor."]


def fake_ticket(rng, n):
    return [str(x) for x in rng.integers(90_000_000, 99_000_000, n)]


def build(c):
    w, P = c.w, c.w.people
    rng = c.rng(SYS, "core")
    ty = Typist(w, c.rng(SYS, "typist"), PROF)
    J, O = c.ev["projects"], c.ev["orders"]

    # tickets from job problems
    pj = np.flatnonzero((J["problem"] != "") & (rng.random(len(J["id"])) < 0.7))
    base_ts = np.where(J["status"][pj] == "completed", J["done"][pj], J["sched"][pj] + DAY)
    who = np.where(rng.random(len(pj)) < 0.8, J["buyer"][pj], J["person"][pj])
    reason = np.where(rng.random(len(pj)) < 0.35, "complaint", J["problem"][pj])
    rows_p = dict(person=who, ts=base_ts + rng.integers(HOUR, 5 * DAY, len(pj)), reason=reason,
                  order=J["order"][pj], problem=np.ones(len(pj), bool))
    # questions from customers, prospects, and existing people in an extra cohort
    new = c.new_people()
    cust = new[P["cust"][new]]
    qp = np.concatenate([np.repeat(cust, rng.poisson(0.3, len(cust))),
                         new[~P["cust"][new] & (rng.random(len(new)) < 0.05)],
                         c.people[c.repeat & (rng.random(len(c.people)) < 0.1)]])
    lo = np.maximum(P["first_seen"][qp], w.start)
    lo = np.where(c.w.people["cohort"][qp] != c.tag, np.maximum(lo, w.now - 120 * DAY), lo)
    q_ts = lo + (rng.random(len(qp)) * np.maximum(w.now - lo, HOUR)).astype(np.int64)
    q_reason = pick_w(rng, ["billing", "product", "status"], [35, 35, 30], len(qp))
    rows_q = dict(person=qp, ts=daytime(rng, w, q_ts), reason=q_reason,
                  order=np.full(len(qp), -1), problem=np.zeros(len(qp), bool))
    person = np.concatenate([rows_p["person"], rows_q["person"]]).astype(np.int64)
    ts = clip_now(w, np.concatenate([rows_p["ts"], rows_q["ts"]]), 20 * 60)
    reason = np.concatenate([rows_p["reason"], rows_q["reason"]]).astype(object)
    order = np.concatenate([rows_p["order"], rows_q["order"]]).astype(np.int64)
    srt = np.argsort(ts, kind="stable")
    person, ts, reason, order = person[srt], ts[srt], reason[srt], order[srt]
    n = len(person)
    # question tickets about an order: use the person's latest order when they have one
    last_order = {int(p): j for j, p in enumerate(O["person"])}
    for j in np.flatnonzero((order < 0) & np.isin(reason, ["billing", "status"])):
        order[j] = last_order.get(int(person[j]), -1)

    age = w.now - ts
    complaint = reason == "complaint"
    slow = np.where(complaint, rng.integers(DAY, 14 * DAY, n), rng.integers(2 * HOUR, 5 * DAY, n))
    solved_ts = clip_now(w, ts + slow, 120)
    solved = solved_ts < w.now - 600
    solved &= ~((age < 3 * DAY) & (rng.random(n) < 0.7))
    status = np.where(solved, np.where(age > 10 * DAY, pick_w(rng, ["closed", "solved"], [80, 20], n), "solved"),
                      pick_w(rng, ["new", "open", "pending", "hold"], [20, 50, 20, 10], n))
    typ = np.where(complaint, "complaint", np.where(np.isin(reason, ["late", "damaged", "incomplete"]), "problem",
                                                   pick_w(rng, ["question", "task"], [92, 8], n)))
    prio = np.where(complaint, pick_w(rng, ["high", "urgent"], [70, 30], n),
                    np.where(typ == "problem", pick_w(rng, ["normal", "high"], [60, 40], n),
                             pick_w(rng, ["low", "normal"], [40, 60], n)))
    via = pick_w(rng, ["email", "web", "phone", "chat"], [35, 25, 25, 15], n)
    ids = fmt.number(w.seq("support.tickets", n) + 10_001).to_pylist()
    subj = [REASONS[r][0] for r in reason]
    sched = {int(o): int(s) for o, s in zip(J["order"], J["sched"])}
    dates = fmt.iso_date(np.array([sched.get(int(o), int(t)) for o, t in zip(order, ts)], np.int64)).to_pylist()
    desc = [REASONS[r][2].format(date=d) for r, d in zip(reason, dates)]
    upd = np.where(solved, solved_ts, clip_now(w, ts + rng.integers(0, 2 * DAY, n), 60))
    order_ref = opt([O["id"][o] if o >= 0 else None for o in order], (order >= 0) & (rng.random(n) < 0.75))
    name = ty.full(person)
    first_only = rng.random(n) < 0.1
    fn = ty.first(person)
    name = [f if fo else nm for nm, f, fo in zip(name, fn, first_only)]

    t = c.add(Table(SYS, "tickets", COLS["tickets"], "id", "_fivetran_synced", fmt.utc,
                    ts=[("created_at", "iso"), ("_fivetran_synced", "iso")], email=["requester_email"],
                    names=["requester_name"]))
    t.set(id=ids, type=list(typ), subject=subj, description=desc, status=list(status), priority=list(prio),
          via_channel=list(via), group_name=[REASONS[r][1] for r in reason], requester_name=name,
          requester_email=ty.email(person, "support"), requester_phone=ty.phone(person), order_id=order_ref,
          assignee_id=opt(np.array(AGENTS, object)[rng.integers(0, len(AGENTS), n)], status != "new"),
          created_at=fmt.utc(ts), updated_at=fmt.utc(upd), solved_at=fmt.nulls(fmt.utc(solved_ts), ~solved))
    t.loaded_ts = loaded_after(rng, w, upd)
    t.set(_fivetran_synced=fmt.utc(t.loaded_ts))
    c.link(SYS, "tickets", ids, person)
    c.ev["tickets"] = dict(id=ids, person=person, ts=ts, solved=solved, solved_ts=solved_ts, complaint=complaint,
                           problem=np.isin(reason, ["late", "damaged", "incomplete", "complaint"]), via=via,
                           order=order, reason=reason, slow=slow)
    c.ev["complaints"] = [(int(p), int(s), i) for p, s, i, cm in zip(person, ts, ids, complaint) if cm]

    # comments: the requester's first message, then agent replies and requester follow-ups
    k = 1 + np.minimum(rng.poisson(1.6, n), 7)
    tix = np.repeat(np.arange(n), k)
    pos = np.arange(len(tix)) - np.repeat(np.cumsum(k) - k, k)
    end = np.where(solved, solved_ts, w.now - 300)
    frac = np.where(pos == 0, 0.0, (pos + rng.random(len(tix)) * 0.8) / k[tix])
    c_ts = ts[tix] + (frac * np.maximum(end[tix] - ts[tix], 60)).astype(np.int64)
    agent = (pos % 2) == 1
    note = agent & (rng.random(len(tix)) < 0.15)
    u = rng.integers(0, 100, len(tix))
    body = [desc[ti] if p_ == 0 else (NOTES[x % 3] if nt else (AGENT_LINES[x % 6] if ag else USER_LINES[x % 5]))
            for ti, p_, ag, nt, x in zip(tix, pos, agent, note, u)]
    nc = len(tix)
    t2 = c.add(Table(SYS, "ticket_comments", COLS["ticket_comments"], "id", "_fivetran_synced", fmt.utc,
                     ts=[("created_at", "iso")], ref=[("ticket_id", fake_ticket)]))
    t2.set(id=fmt.join("4", fmt.scramble(w.seq("support.ticket_comments", nc), 11, fmt.DIGITS), n=nc),
           ticket_id=[ids[i] for i in tix], author_role=list(np.where(agent, "agent", "end_user")), body=body,
           is_public=tf(~note), created_at=fmt.utc(c_ts))
    t2.loaded_ts = loaded_after(rng, w, c_ts)
    t2.set(_fivetran_synced=fmt.utc(t2.loaded_ts))
