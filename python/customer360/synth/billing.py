"""Billing (Stripe via Fivetran): customers, invoices, payments, refunds. Epoch seconds, cents."""

import numpy as np

from . import fmt, orders
from .core import Table, clip_now, loaded_after, opt, pick_w, tf
from .fmt import DAY, HOUR
from .noise import Typist, profile

SYS = "billing"
COLS = {
    "customers": ["id", "name", "email", "phone", "address_line1", "address_line2", "address_city",
                  "address_state", "address_postal_code", "address_country", "currency", "delinquent",
                  "created", "_fivetran_synced"],
    "invoices": ["id", "customer_id", "number", "order_id", "status", "currency", "amount_due",
                 "amount_paid", "created", "due_date", "_fivetran_synced"],
    "payments": ["id", "invoice_id", "customer_id", "amount", "currency", "status", "payment_method_type",
                 "failure_code", "created", "_fivetran_synced"],
    "refunds": ["id", "payment_id", "amount", "currency", "reason", "status", "created", "_fivetran_synced"],
}
PROF = profile(nick=0.15, lastfirst=0.1, fullmid=0.2, upper=0.08, email_work=0.2, email_plus=0.02,
               phone_none=0.25, zip4=0.3)


def fake(prefix):
    return lambda rng, n: fmt.rand_id(rng, prefix, n, 14).to_pylist()


def _table(name, **roles):
    return Table(SYS, name, COLS[name], "id", "_fivetran_synced", fmt.utc,
                 ts=[("created", "epoch"), ("_fivetran_synced", "iso")], **roles)


def build(c):
    w = c.w
    rng = c.rng(SYS, "core")
    ty = Typist(w, c.rng(SYS, "typist"), PROF)
    O = c.ev["orders"]
    st = w.state.setdefault("billing", {})  # person -> list of customer ids
    n = len(O["person"])

    # customers: one per buyer, reused across cohorts; a few buyers get a second (duplicate) customer
    dup_u = rng.random(n)
    cust_of_order = []  # str: existing id, int: index of a customer made now
    new_people, new_ts = [], []
    for j in range(n):
        p = int(O["person"][j])
        ids = st.get(p, [])
        if not ids or (len(ids) == 1 and dup_u[j] < 0.05 and O["ts"][j] > w.start + 60 * DAY):
            st[p] = ids + [len(new_people)]
            new_people.append(p)
            new_ts.append(int(O["ts"][j]) - 300)
        cust_of_order.append(st[p][-1])
    nc = len(new_people)
    cids = fmt.rand_id(rng, "cus_", nc, 14).to_pylist()
    for p in dict.fromkeys(new_people):
        st[p] = [x if isinstance(x, str) else cids[x] for x in st[p]]
    cust_of_order = [x if isinstance(x, str) else cids[x] for x in cust_of_order]
    c.ev["billing_customer"] = cust_of_order

    # fill the orders table's reference to the billing customer (known for most orders)
    known = rng.random(n) < 0.85
    c.table("orders", "orders").set(billing_customer_id=opt(cust_of_order, known))

    # invoices for orders that were not cancelled before payment
    inv = np.flatnonzero(~O["cancel"] | O["paid_before_cancel"] | (rng.random(n) < 0.3))
    ni = len(inv)
    i_created = clip_now(w, O["ts"][inv] + rng.integers(0, 2 * DAY, ni), HOUR)
    amount = np.round(O["total"][inv] * 100).astype(np.int64)
    cancelled_unpaid = O["cancel"][inv] & ~O["paid_before_cancel"][inv]
    recent = i_created > w.now - 20 * DAY
    bad = ~cancelled_unpaid & ~recent & (rng.random(ni) < 0.025)
    open_ = ~cancelled_unpaid & ((recent & (rng.random(ni) < 0.6)) | (~recent & (rng.random(ni) < 0.01)))
    status = np.where(cancelled_unpaid, "void", np.where(bad, "uncollectible", np.where(open_, "open", "paid")))
    status = np.where((rng.random(ni) < 0.01) & (status == "open"), "draft", status)
    due = i_created + 30 * DAY
    paid = status == "paid"
    iids = fmt.rand_id(rng, "in_", ni, 14).to_pylist()
    i_cust = [cust_of_order[j] for j in inv]
    numbers = [f"{cid[4:12].upper()}-{k:04d}" for cid, k in zip(i_cust, rng.integers(1, 30, ni))]
    t = c.add(_table("invoices", amount=[("amount_due", "cents")], ref=[("customer_id", fake("cus_"))]))
    t.set(id=iids, customer_id=i_cust, number=numbers,
          order_id=opt([O["id"][j] for j in inv], rng.random(ni) < 0.88), status=list(status),
          currency=["usd"] * ni, amount_due=fmt.number(amount), amount_paid=fmt.number(np.where(paid, amount, 0)),
          created=fmt.epoch(i_created), due_date=fmt.epoch(due))

    # payments: paid invoices get one success, some after a failure; overdue ones a failure
    pay_ts = clip_now(w, i_created + rng.integers(HOUR, 20 * DAY, ni), 2 * HOUR)
    fail_first = (paid & (rng.random(ni) < 0.06)) | ((status == "open") & (due < w.now) & (rng.random(ni) < 0.5))
    rows_inv = np.concatenate([np.flatnonzero(fail_first), np.flatnonzero(paid)])
    p_ok = np.concatenate([np.zeros(int(fail_first.sum()), bool), np.ones(int(paid.sum()), bool)])
    p_ts = np.concatenate([pay_ts[fail_first] - rng.integers(HOUR, 3 * DAY, int(fail_first.sum())), pay_ts[paid]])
    p_ts = np.maximum(p_ts, i_created[rows_inv] + 60)
    srt = np.argsort(p_ts, kind="stable")
    rows_inv, p_ok, p_ts = rows_inv[srt], p_ok[srt], p_ts[srt]
    np_ = len(rows_inv)
    pids = fmt.rand_id(rng, "ch_", np_, 14).to_pylist()
    method = pick_w(rng, ["card", "ach_debit", "check"], [70, 20, 10], np_)
    pending = (p_ts > w.now - 2 * DAY) & (rng.random(np_) < 0.3)
    p_status = np.where(p_ok, np.where(pending, "pending", "succeeded"), "failed")
    t2 = c.add(_table("payments", amount=[("amount", "cents")], ref=[("invoice_id", fake("in_"))]))
    t2.set(id=pids, invoice_id=opt([iids[k] for k in rows_inv], rng.random(np_) < 0.95),
           customer_id=[i_cust[k] for k in rows_inv], amount=fmt.number(amount[rows_inv]),
           currency=["usd"] * np_, status=list(p_status), payment_method_type=list(method),
           failure_code=opt(pick_w(rng, ["card_declined", "insufficient_funds", "expired_card"],
                                   [50, 35, 15], np_), ~p_ok),
           created=fmt.epoch(p_ts))

    # refunds for orders that were refunded (problems, cancellations after payment)
    pay_of_order = {}
    for k, ok_ in zip(range(np_), p_ok):
        if ok_:
            pay_of_order[int(inv[rows_inv[k]])] = k
    r_rows = [(pay_of_order[j], int(O["refund"][j])) for j in range(n) if O["refund"][j] > 0 and j in pay_of_order]
    nr = len(r_rows)
    r_pay = np.array([r[0] for r in r_rows], np.int64)
    r_amt = np.minimum(np.array([r[1] for r in r_rows], np.int64), amount[rows_inv[r_pay]] if nr else 0)
    r_ts = clip_now(w, p_ts[r_pay] + rng.integers(DAY, 45 * DAY, nr), HOUR) if nr else np.zeros(0, np.int64)
    t3 = c.add(_table("refunds", amount=[("amount", "cents")], ref=[("payment_id", fake("ch_"))]))
    t3.set(id=fmt.rand_id(rng, "re_", nr, 14), payment_id=[pids[k] for k in r_pay], amount=fmt.number(r_amt),
           currency=["usd"] * nr,
           reason=list(pick_w(rng, ["requested_by_customer", "duplicate", "fraudulent"], [90, 8, 2], nr)),
           status=list(pick_w(rng, ["succeeded", "pending", "failed"], [95, 3, 2], nr)), created=fmt.epoch(r_ts))

    # customer rows (delinquent when an invoice is overdue or uncollectible)
    overdue = (status == "uncollectible") | ((status == "open") & (due < w.now))
    late_cust = {i_cust[k] for k in np.flatnonzero(overdue)}
    np_people = np.array(new_people, np.int64)
    c_ts = np.array(new_ts, np.int64)
    ad = ty.address(np_people, c_ts)
    t0 = c.add(_table("customers", email=["email"], names=["name"]))
    t0.set(id=cids, name=ty.full(np_people), email=ty.email(np_people, "billing"), phone=ty.phone(np_people),
           address_line1=ad["line1"], address_line2=ad["line2"], address_city=ad["city"],
           address_state=ad["state"], address_postal_code=ad["zip"],
           address_country=list(pick_w(rng, orders._countries(w, ["US", None]), [92, 8], nc)), currency=["usd"] * nc,
           delinquent=tf([x in late_cust for x in cids]), created=fmt.epoch(c_ts))
    c.link(SYS, "customers", cids, np_people)

    # load times: after the last change of each row
    t0.loaded_ts = loaded_after(rng, w, c_ts)
    t.loaded_ts = loaded_after(rng, w, np.where(paid, pay_ts, i_created))
    t2.loaded_ts = loaded_after(rng, w, p_ts)
    t3.loaded_ts = loaded_after(rng, w, r_ts)
    for tb in (t0, t, t2, t3):
        tb.set(_fivetran_synced=fmt.utc(tb.loaded_ts))
    c.ev["invoices"] = dict(cust=i_cust, status=status, due=due)
