"""Orders and jobs (Shopify-like orders, lines, delivery/installation projects; times with offset)."""

import numpy as np

from . import fmt, lists
from .core import Table, clip_now, daytime, opt, pick_w
from .fmt import DAY, HOUR
from .noise import Typist, profile

SYS = "orders"
COLS = {
    "orders": ["id", "order_number", "billing_customer_id", "customer_name", "email", "phone",
               "shipping_address_1", "shipping_address_2", "shipping_city", "shipping_province_code",
               "shipping_zip", "shipping_country_code", "channel", "financial_status",
               "fulfillment_status", "currency", "subtotal_price", "total_tax", "total_price",
               "created_at", "cancelled_at", "cancel_reason", "updated_at"],
    "order_lines": ["id", "order_id", "sku", "product_title", "product_category", "quantity", "price",
                    "total_discount", "updated_at"],
    "projects": ["id", "order_id", "project_type", "status", "crew_id", "scheduled_date", "started_at",
                 "completed_at", "site_address_1", "site_city", "site_state", "site_zip", "contact_name",
                 "contact_phone", "updated_at"],
}
PROF = profile(nick=0.45, lastfirst=0.15, fullmid=0.1, typo=0.025, lower=0.06, email_plus=0.06,
               email_case=0.08, phone_none=0.08, zip4=0.1)
SITE = profile(nick=0.6, lastfirst=0.2, fullmid=0.0, typo=0.04, upper=0.05, phone_none=0.05,
               phone_land=0.35, unit_where="inline", st_type=(20, 60, 15, 5))
QTY = {"windows": (1, 9), "doors": (1, 3), "roofing": (1, 2), "hvac": (1, 2), "accessories": (1, 7)}
TAX = 0.0625


def _countries(w, us):
    """Country values as typed: the US list, or the country's code, its other code or name, and blanks."""
    if w.country is None:
        return us
    return [w.country.names[0], w.country.names[1], None][:len(us) - 1] + [None]


def order_id(seq):
    return fmt.join("5", fmt.scramble(seq, 12, fmt.DIGITS), n=len(seq))


def fake_order(rng, n):
    return order_id(900_000_000 + rng.integers(0, 10**8, n)).to_pylist()


def _offset_ts(w, people, ts, addr=None, us=False):
    """Each timestamp as local time with offset in the person's (address) time zone. us=True: the US zone
    whatever the country (the non_us shape keeps the default export's UTC instants, only their rendering moves)."""
    addr = w.addr_at(people, ts) if addr is None else addr
    if w.country is None or us:
        tz = np.array([lists.CITIES[c][5] for c in w.addr["city"][addr]], object)
    else:
        tz = np.array([w.country.city(c)[4] for c in w.addr["city"][addr]], object)
    return fmt.utc_offsets(ts, tz)


def _orders_events(c, rng):
    """Who orders when: won deals, first purchases, repeat purchases."""
    w, P = c.w, c.w.people
    new = c.new_people()
    won = c.ev.get("won", dict(person=np.zeros(0, np.int64), ts=np.zeros(0, np.int64), amount=np.zeros(0)))
    first = new[P["cust"][new] & ~P["sales"][new]]
    first_ts = P["since"][first] + rng.integers(8, 20, len(first)) * HOUR
    cust = new[P["cust"][new]]
    k = rng.poisson(0.45, len(cust))
    rep = np.repeat(cust, k)
    lo = P["since"][rep] + 30 * DAY
    rep_ts = lo + (rng.random(len(rep)) * np.maximum(w.now - DAY - lo, 0)).astype(np.int64)
    old = c.people[c.repeat]
    old = old[P["cust"][old]]
    lo = np.maximum(P["since"][old], w.now - 180 * DAY)
    old_ts = lo + (rng.random(len(old)) * np.maximum(w.now - DAY - lo, 0)).astype(np.int64)
    person = np.concatenate([won["person"], first, rep, old]).astype(np.int64)
    ts = np.concatenate([won["ts"], first_ts, rep_ts, old_ts]).astype(np.int64)
    ts = np.where(np.arange(len(ts)) < len(won["ts"]), ts, daytime(rng, w, ts))
    ok = ts < w.now - 2 * HOUR
    target = np.concatenate([won["amount"], np.zeros(len(person) - len(won["person"]))])
    chan = np.concatenate([np.full(len(won["person"]), "sales_rep", object),
                           pick_w(rng, ["web", "store", "phone"], [45, 30, 25], len(person) - len(won["person"]))])
    order = np.argsort(ts[ok], kind="stable")
    return person[ok][order], ts[ok][order], target[ok][order], chan[ok][order]


def build(c):
    w, P = c.w, c.w.people
    rng = c.rng(SYS, "core")
    ty = Typist(w, c.rng(SYS, "typist"), PROF)
    site_ty = Typist(w, c.rng(SYS, "site"), SITE)
    person, ts, target, chan = _orders_events(c, rng)
    n = len(person)
    seq = w.seq("orders.orders", n)
    oid = order_id(seq)
    addr = w.addr_at(person, ts)
    off = _offset_ts(w, person, ts, addr)

    # lines
    nlines = rng.choice([1, 2, 3, 4], n, p=[0.45, 0.3, 0.15, 0.1])
    lo = np.repeat(np.arange(n), nlines)
    nl = len(lo)
    cat = rng.choice(len(lists.PRODUCTS), nl, p=np.array(lists.PRODUCT_W) / 100)
    title_k = rng.integers(0, 100, nl)
    qty = np.array([rng.integers(*QTY[lists.PRODUCTS[k][0]]) for k in cat])
    price = np.array([lists.PRODUCTS[k][2] for k in cat]) * np.exp(rng.normal(0, 0.3, nl))
    line_total = qty * price
    # sales deals: scale the lines to the deal amount
    sums = np.bincount(lo, line_total, n)
    scale = np.where(target > 0, target / np.maximum(sums, 1), 1.0)
    price = np.maximum(np.floor(price * scale[lo]) + 0.99, 0.99)
    disc = np.where(rng.random(nl) < 0.1, np.round(qty * price * rng.uniform(0.05, 0.15, nl), 2), 0.0)
    subtotal = np.round(np.bincount(lo, qty * price - disc, n), 2)
    tax = np.round(subtotal * TAX, 2)
    total = subtotal + tax
    installable = np.bincount(lo, np.array([lists.PRODUCTS[k][3] for k in cat]), n) > 0

    # cancellations and fulfilment jobs
    cancel = rng.random(n) < 0.04
    cancel_ts = clip_now(w, ts + rng.integers(1, 10, n) * DAY + rng.integers(0, 8, n) * HOUR)
    cancel = cancel & (cancel_ts > ts)
    need_del = ~cancel & (installable | (chan != "store"))
    need_ins = ~cancel & installable & (rng.random(n) < 0.75)
    jo = np.concatenate([np.flatnonzero(need_del), np.flatnonzero(need_ins)])
    jtype = np.array(["delivery"] * int(need_del.sum()) + ["installation"] * int(need_ins.sum()), object)
    srt = np.lexsort((jtype == "installation", jo))
    jo, jtype = jo[srt], jtype[srt]
    nj = len(jo)
    day0 = ts[jo] // DAY * DAY
    sched = day0 + np.where(jtype == "delivery", rng.integers(5, 25, nj), rng.integers(15, 50, nj)) * DAY
    due = sched <= w.now - DAY
    problem = np.where(due, pick_w(rng, ["", "late", "damaged", "incomplete"], [80, 11, 5, 4], nj), "")
    jstatus = np.where(~due, "scheduled", pick_w(rng, ["completed", "cancelled"], [97, 3], nj))
    recent = due & (sched > w.now - 4 * DAY) & (rng.random(nj) < 0.5)
    jstatus = np.where(recent & (jstatus == "completed"), "in_progress", jstatus)
    problem = np.where(jstatus == "cancelled", "", problem)
    local_off = _offset_ts(w, person[jo], sched, us=True)
    start = sched + rng.integers(8, 11, nj) * HOUR - local_off * 60 + np.where(
        problem == "late", rng.integers(2, 12, nj) * DAY, 0)
    start = clip_now(w, start, 2 * HOUR)
    extra_days = np.where(problem == "incomplete", rng.integers(3, 20, nj) * DAY, 0)
    done = clip_now(w, start + rng.integers(1, 8, nj) * HOUR + extra_days, HOUR)
    has_start = np.isin(jstatus, ["completed", "in_progress"])
    has_done = jstatus == "completed"
    hsize = w.hh["size"][P["hh"][person[jo]]]
    other = rng.random(nj) < 0.25
    contact = person[jo].copy()
    for j in np.flatnonzero(other & (hsize > 1)):
        mates = np.flatnonzero(P["hh"] == P["hh"][contact[j]])
        contact[j] = mates[int(rng.integers(0, len(mates)))]
    pid_seq = w.seq("orders.projects", nj)
    pids = fmt.seq_id("JOB-", pid_seq + 100_001, 7).to_pylist()
    j_upd = np.maximum.reduce([ts[jo] + HOUR, np.where(has_start, start, 0), np.where(has_done, done, 0)])
    j_upd = clip_now(w, j_upd + rng.integers(60, 3 * HOUR, nj), 30)
    crews = np.where(jtype == "delivery",
                     pick_w(rng, ["CARRIER-UPSF", "CARRIER-XPO", "CARRIER-OWN-01", "CARRIER-OWN-02"], [3, 2, 3, 2], nj),
                     np.array([f"CRW-{k:03d}" for k in rng.integers(1, 60, nj)], object))

    # money events for billing: refunds for some problems, cancellations after payment
    jprob = np.zeros(n, bool)
    np.logical_or.at(jprob, jo, problem != "")
    part = np.round(total * rng.uniform(0.05, 0.3, n) * 100)
    refund = np.where(jprob & (rng.random(n) < 0.3), part, 0).astype(np.int64)
    paid_before_cancel = cancel & (rng.random(n) < 0.5)
    refund = np.where(paid_before_cancel, np.round(total * 100), refund).astype(np.int64)
    fin = np.where(cancel, np.where(paid_before_cancel, "refunded", "voided"),
                   np.where(refund > 0, "partially_refunded",
                            np.where(ts > w.now - 3 * DAY, "pending", "paid")))
    jdone = np.zeros(n, int)
    np.add.at(jdone, jo, has_done)
    jcount = np.bincount(jo, minlength=n)
    fulfil = np.where((jcount > 0) & (jdone == jcount), "fulfilled", np.where(jdone > 0, "partial", "unfulfilled"))
    fulfil = np.where(~cancel & (jcount == 0), "fulfilled", fulfil)  # carried out of the store
    last_job = np.zeros(n, np.int64)
    np.maximum.at(last_job, jo, j_upd)
    o_upd = clip_now(w, np.maximum.reduce([ts + HOUR, np.where(cancel, cancel_ts, 0), last_job]), 30)

    c.ev["orders"] = dict(id=oid.to_pylist(), person=person, ts=ts, total=total, cancel=cancel,
                          cancel_ts=cancel_ts, refund=refund, paid_before_cancel=paid_before_cancel,
                          channel=chan)
    c.ev["projects"] = dict(id=pids, order=jo, person=contact, buyer=person[jo], type=jtype,
                            status=jstatus, done=done, problem=problem, sched=sched)

    # order rows
    ad = ty.render_addr(addr)
    t = c.add(Table(SYS, "orders", COLS["orders"], "id", "updated_at", fmt.utc_offset0,
                    ts=[("created_at", "offset"), ("updated_at", "offset")], email=["email"],
                    amount=[("total_price", "dec")], names=["customer_name"]))
    t.set(id=oid, order_number=fmt.number(seq + 10_001), customer_name=ty.full(person),
          email=ty.email(person, "orders"), phone=ty.phone(person), shipping_address_1=ad["line1"],
          shipping_address_2=ad["line2"], shipping_city=ad["city"], shipping_province_code=ad["state"],
          shipping_zip=ad["zip"], shipping_country_code=list(pick_w(rng, _countries(w, ["US", "USA", None]), [90, 5, 5], n)),
          channel=list(chan), financial_status=list(fin),
          fulfillment_status=list(np.where(cancel, "unfulfilled", fulfil)),
          currency=["USD"] * n, subtotal_price=fmt.money(subtotal), total_tax=fmt.money(tax),
          total_price=fmt.money(total), created_at=fmt.with_offset(ts, off),
          cancelled_at=fmt.nulls(fmt.with_offset(cancel_ts, _offset_ts(w, person, cancel_ts)), ~cancel),
          cancel_reason=opt(pick_w(rng, ["customer", "inventory", "fraud", "other"], [70, 15, 5, 10], n), cancel),
          updated_at=fmt.with_offset(o_upd, _offset_ts(w, person, o_upd)))
    t.set(order_number=[f"#{x}" for x in t.cols["order_number"].to_pylist()])
    t.loaded_ts = o_upd
    c.link(SYS, "orders", t.cols["id"], person)

    # line rows
    lseq = w.seq("orders.order_lines", nl)
    lid = fmt.join("1", fmt.scramble(lseq, 13, fmt.DIGITS), n=nl)
    cats = [lists.PRODUCTS[k][0] for k in cat]
    titles = [lists.PRODUCTS[k][1][t_ % len(lists.PRODUCTS[k][1])] for k, t_ in zip(cat, title_k)]
    skus = [f"{cn[:3].upper()}-{t_ % len(lists.PRODUCTS[k][1]) + 1:02d}-{(t_ * 7) % 40 + 10}"
            for cn, k, t_ in zip(cats, cat, title_k)]
    l_upd = o_upd[lo]
    t = c.add(Table(SYS, "order_lines", COLS["order_lines"], "id", "updated_at", fmt.utc_offset0,
                    ts=[("updated_at", "offset")], amount=[("price", "dec")],
                    ref=[("order_id", fake_order)]))
    t.set(id=lid, order_id=oid.take(lo), sku=skus, product_title=titles, product_category=cats,
          quantity=fmt.number(qty), price=fmt.money(price),
          total_discount=fmt.nulls(fmt.money(disc), disc == 0),
          updated_at=fmt.with_offset(l_upd, _offset_ts(w, person[lo], l_upd)))
    t.loaded_ts = l_upd

    # project rows
    sa = site_ty.render_addr(addr[jo])
    cp = contact
    t = c.add(Table(SYS, "projects", COLS["projects"], "id", "updated_at", fmt.utc_offset0,
                    ts=[("updated_at", "offset")], names=["contact_name"], ref=[("order_id", fake_order)]))
    t.set(id=pids, order_id=oid.take(jo), project_type=list(jtype), status=list(jstatus), crew_id=list(crews),
          scheduled_date=fmt.iso_date(sched),
          started_at=fmt.nulls(fmt.with_offset(start, _offset_ts(w, cp, start)), ~has_start),
          completed_at=fmt.nulls(fmt.with_offset(done, _offset_ts(w, cp, done)), ~has_done),
          site_address_1=sa["line1"], site_city=sa["city"], site_state=sa["state"], site_zip=sa["zip"],
          contact_name=site_ty.full(cp), contact_phone=site_ty.phone(cp),
          updated_at=fmt.with_offset(j_upd, _offset_ts(w, cp, j_upd)))
    t.loaded_ts = j_upd
    c.link(SYS, "projects", pids, cp)
