"""CRM (Salesforce via Fivetran): users, leads, contacts, accounts, opportunities, tasks."""

import numpy as np

from . import fmt, lists
from .core import Table, clip_now, loaded_after, opt, pick_w, tf
from .fmt import DAY, HOUR
from .noise import Typist, profile

SYS = "crm"
COLS = {
    "accounts": ["id", "name", "type", "billing_street", "billing_city", "billing_state",
                 "billing_postal_code", "billing_country", "phone", "owner_id", "created_date",
                 "last_modified_date", "is_deleted", "_fivetran_synced"],
    "contacts": ["id", "account_id", "salutation", "first_name", "middle_name", "last_name", "suffix",
                 "email", "phone", "mobile_phone", "birthdate", "national_id", "mailing_street", "mailing_city",
                 "mailing_state", "mailing_postal_code", "mailing_country", "lead_source", "owner_id",
                 "created_date", "last_modified_date", "is_deleted", "_fivetran_synced"],
    "leads": ["id", "first_name", "last_name", "company", "email", "phone", "street", "city", "state",
              "postal_code", "country", "status", "lead_source", "is_converted", "converted_date",
              "converted_account_id", "converted_contact_id", "converted_opportunity_id", "owner_id",
              "created_date", "last_modified_date", "is_deleted", "_fivetran_synced"],
    "opportunities": ["id", "account_id", "contact_id", "name", "stage_name", "amount", "close_date",
                      "is_closed", "is_won", "type", "lead_source", "owner_id", "created_date",
                      "last_modified_date", "is_deleted", "_fivetran_synced"],
    "tasks": ["id", "who_id", "what_id", "owner_id", "subject", "type", "status", "priority",
              "activity_date", "completed_date_time", "description", "created_date",
              "last_modified_date", "is_deleted", "_fivetran_synced"],
    "users": ["id", "first_name", "last_name", "email", "title", "department", "manager_id",
              "is_active", "created_date", "_fivetran_synced"],
}
PREFIX = {"accounts": "001", "contacts": "003", "leads": "00Q", "opportunities": "006",
          "tasks": "00T", "users": "005"}
PROF = profile(nick=0.35, unit_where="newline", state_full=0.3, zip4=0.25, mi=0.05, swap=0.005)
SOURCES = ["Web", "Phone Inquiry", "Partner Referral", "Store", "Marketing Campaign"]
SOURCE_W = [35, 20, 15, 10, 20]
COUNTRIES = ["US", "USA", "United States", None]
COUNTRY_W = [40, 25, 20, 15]


def _countries(w):
    """Country picklist values as typed (code, other code or name, name, blank)."""
    return COUNTRIES if w.country is None else w.country.names


def sf_id(table, seq):
    """18-character Salesforce-style id: key prefix + pod + opaque code."""
    return fmt.join(PREFIX[table] + "5e0000", fmt.scramble(seq, 9), n=len(seq))


def fake_id(table):
    return lambda rng, n: sf_id(table, 50_000_000 + rng.integers(0, 10**9, n)).to_pylist()


def _table(name, **roles):
    return Table(SYS, name, COLS[name], "id", "_fivetran_synced", fmt.utc,
                 ts=[("created_date", "iso"), ("_fivetran_synced", "iso")], **roles)


def _finish(t, w, rng, created, modified):
    t.loaded_ts = loaded_after(rng, w, modified)
    t.set(created_date=fmt.utc(created), _fivetran_synced=fmt.utc(t.loaded_ts))
    if "last_modified_date" in t.columns:
        t.set(last_modified_date=fmt.utc(modified))


def users(c):
    """Sales org: a director, supervisors, account managers, care agents (base cohort only)."""
    w, rng = c.w, c.rng(SYS, "users")
    n_am = max(6, w.customers // 100)
    n_sup = max(2, n_am // 5)
    n_care = max(3, w.customers // 400)
    roles = ["director"] + ["supervisor"] * n_sup + ["am"] * n_am + ["care"] * n_care
    n = len(roles)
    ids = sf_id("users", w.seq("crm.users", n)).to_pylist()
    sup_idx = np.arange(1, 1 + n_sup)
    manager = [None] + [ids[0]] * n_sup + [ids[s] for s in rng.choice(sup_idx, n_am)] + [ids[1]] * n_care
    first = [str(x) for x in rng.choice(lists.MALE + lists.FEMALE, n)]
    last = [str(x) for x in rng.choice(lists.LAST[:120], n)]
    title = {"director": "Sales Director", "supervisor": "Sales Manager",
             "am": "Account Manager", "care": "Customer Care Specialist"}
    dept = {"director": "Sales", "supervisor": "Sales", "am": "Sales", "care": "Customer Care"}
    email = [f"{f.lower()}.{la.lower().replace(' ', '').replace(chr(39), '')}@ourco.example.com"
             for f, la in zip(first, last)]
    active = rng.random(n) > 0.06
    created = rng.integers(w.start - 400 * DAY, w.start + 300 * DAY, n)
    t = c.add(Table(SYS, "users", COLS["users"], "id", "_fivetran_synced", fmt.utc,
                    ts=[("created_date", "iso")], email=["email"], names=["first_name", "last_name"]))
    t.set(id=ids, first_name=first, last_name=last, email=email, title=[title[r] for r in roles],
          department=[dept[r] for r in roles], manager_id=manager, is_active=tf(active))
    _finish(t, w, rng, created, created)
    role = np.array(roles)
    w.ref["users"] = dict(ids=np.array(ids, object), role=role,
                          am=np.flatnonzero(role == "am"), care=np.flatnonzero(role == "care"))


def build(c):
    """Leads, contacts, accounts and opportunities; won deals go to c.ev['won'] for orders."""
    w, P = c.w, c.w.people
    rng = c.rng(SYS, "core")
    ty = Typist(w, c.rng(SYS, "typist"), PROF)
    U = w.ref["users"]
    st = w.state.setdefault("crm", {"contact": {}, "account": {}, "owner": {}})
    new = c.new_people()

    # leads: prospects with the lead trait, and customers won by sales (converted)
    sales = new[P["sales"][new]]
    pros = new[P["lead"][new]]
    dup = pros[rng.random(len(pros)) < 0.05]
    lp = np.concatenate([sales, pros, dup])
    nl = len(lp)
    conv = np.arange(nl) < len(sales)
    since = P["since"][lp]
    created = np.where(conv, since - rng.integers(40, 120, nl) * DAY, P["first_seen"][lp])
    created = np.where(np.arange(nl) >= len(sales) + len(pros), created + rng.integers(20, 200, nl) * DAY, created)
    created = clip_now(w, np.maximum(created, w.start + rng.integers(0, 5, nl) * DAY), 2 * HOUR)
    conv_ts = np.where(conv, np.minimum(created + rng.integers(3, 30, nl) * DAY, since - DAY), 0)
    conv_ts = np.where(conv, np.maximum(conv_ts, created + HOUR), 0)
    open_st = ["Open - Not Contacted", "Working - Contacted", "Marketing Qualified",
               "Sales Qualified", "Closed - Not Converted"]
    status = np.where(conv, "Closed - Converted", pick_w(rng, open_st, [25, 25, 15, 10, 25], nl))
    owner_u = U["am"][rng.integers(0, len(U["am"]), nl)]
    lead_ids = sf_id("leads", w.seq("crm.leads", nl)).to_pylist()

    # contacts: converted leads, some other customers, a few duplicates
    direct = new[P["cust"][new] & ~P["sales"][new]]
    direct = direct[rng.random(len(direct)) < 0.3]
    cp_main = np.concatenate([sales, direct])
    cdup = cp_main[rng.random(len(cp_main)) < 0.03]
    cp = np.concatenate([cp_main, cdup])
    ncn = len(cp)
    c_created = np.concatenate([
        conv_ts[: len(sales)],
        clip_now(w, P["since"][direct] + rng.integers(1, 60, len(direct)) * DAY, 3 * HOUR),
        clip_now(w, P["since"][cdup] + rng.integers(60, 400, len(cdup)) * DAY, 3 * HOUR),
    ])
    contact_ids = sf_id("contacts", w.seq("crm.contacts", ncn)).to_pylist()
    c_owner = np.concatenate([owner_u[: len(sales)], U["am"][rng.integers(0, len(U["am"]), ncn - len(sales))]])

    # accounts: one per household with contacts (in order of first contact)
    hh = P["hh"][cp]
    acct_of_hh = {}
    a_hh, a_created, a_owner = [], [], []
    for j in np.argsort(c_created, kind="stable"):
        h = int(hh[j])
        if h not in acct_of_hh and h not in st["account"]:
            acct_of_hh[h] = len(a_hh)
            a_hh.append(h)
            a_created.append(c_created[j] - 60)
            a_owner.append(c_owner[j])
    na = len(a_hh)
    acct_ids = sf_id("accounts", w.seq("crm.accounts", na)).to_pylist()
    for h, k in acct_of_hh.items():
        st["account"][h] = acct_ids[k]
    c_acct = [st["account"].get(int(h)) for h in hh]
    for p, cid, o in zip(cp, contact_ids, c_owner):
        st["contact"].setdefault(int(p), cid)
        st["owner"].setdefault(int(p), int(o))

    # opportunities: one won deal per converted lead, upgrades for some contacts
    won_sales = np.arange(len(sales))
    up_people = [p for p in c.people[c.repeat] if int(p) in st["contact"]]
    up_people = np.concatenate([cp_main, np.array(up_people, np.int64)])
    up = up_people[rng.random(len(up_people)) < np.where(np.isin(up_people, c.people[c.repeat]), 0.6, 0.3)]
    nu = len(up)
    o_person = np.concatenate([sales, up])
    no = len(o_person)
    o_created = np.concatenate([conv_ts[: len(sales)], np.zeros(nu, np.int64)])
    base = np.array([max(P["since"][p], w.start) for p in up], np.int64) if nu else np.zeros(0, np.int64)
    span = np.maximum(w.now - 10 * DAY - base, DAY)
    o_created[len(sales):] = base + (rng.random(nu) * span).astype(np.int64)
    stage_closed = np.zeros(no, object)
    stage_closed[: len(sales)] = "Closed Won"
    stage_closed[len(sales):] = pick_w(rng, ["Closed Won", "Closed Lost", "Prospecting", "Qualification",
                                             "Proposal", "Negotiation"], [35, 25, 10, 10, 10, 10], nu)
    close_ts = np.where(np.arange(no) < len(sales), P["since"][o_person],
                        o_created + rng.integers(10, 75, no) * DAY)
    closed = np.isin(stage_closed, ["Closed Won", "Closed Lost"])
    # a closed deal cannot close after as_of: keep it open instead
    late = closed & (close_ts >= w.now)
    stage_closed[late] = "Negotiation"
    closed &= ~late
    won = stage_closed == "Closed Won"
    amount = np.round(np.exp(rng.normal(8.4, 0.7, no)), -1)
    o_type = np.where(np.arange(no) < len(sales), "New Business",
                      pick_w(rng, ["Existing Business - Upgrade", "Existing Business - Replacement"], [60, 40], no))
    opp_ids = sf_id("opportunities", w.seq("crm.opportunities", no)).to_pylist()
    o_contact = contact_ids[: len(sales)] + [st["contact"][int(p)] for p in up]
    o_acct = [st["account"].get(int(P["hh"][p])) for p in o_person]
    o_owner = np.concatenate([owner_u[: len(sales)], [st["owner"][int(p)] for p in up]]).astype(np.int64)
    c.ev["won"] = dict(person=o_person[won], ts=close_ts[won] + rng.integers(9, 17, int(won.sum())) * HOUR,
                       amount=amount[won], opp=np.array(opp_ids, object)[won], channel="sales_rep")
    c.ev["open_opps"] = [(int(p), oid, int(t)) for p, oid, t, cl in zip(o_person, opp_ids, o_created, closed) if not cl]

    # lead rows
    la = ty.address(lp, created)
    f, l_ = ty.names(lp)
    comp = pick_w(rng, ["none", "household", "employer"], [60, 25, 15], nl)
    company = [None if k == "none" else (f"{P['last'][p]} Household" if k == "household"
               else lists.EMPLOYERS[int(p) % len(lists.EMPLOYERS)]) for k, p in zip(comp, lp)]
    conv_contact = [None] * nl
    conv_acct = [None] * nl
    conv_opp = [None] * nl
    for j in range(len(sales)):
        conv_contact[j], conv_acct[j], conv_opp[j] = contact_ids[j], c_acct[j], opp_ids[won_sales[j]]
    l_mod = np.where(conv, conv_ts, clip_now(w, created + rng.integers(0, 40, nl) * DAY, HOUR))
    t = c.add(_table("leads", email=["email"], names=["first_name", "last_name"],
                     ref=[("converted_contact_id", fake_id("contacts"))]))
    t.set(id=lead_ids, first_name=f, last_name=l_, company=company, email=ty.email(lp, "leads"),
          phone=ty.phone(lp), street=la["line1"], city=la["city"], state=la["state"],
          postal_code=la["zip"], country=list(pick_w(rng, _countries(w), COUNTRY_W, nl)), status=status,
          lead_source=list(pick_w(rng, SOURCES, SOURCE_W, nl)),
          is_converted=tf(conv), converted_date=fmt.nulls(fmt.iso_date(conv_ts), ~conv),
          converted_account_id=conv_acct, converted_contact_id=conv_contact,
          converted_opportunity_id=conv_opp, owner_id=list(U["ids"][owner_u]),
          is_deleted=tf(rng.random(nl) < 0.02))
    _finish(t, w, rng, created, l_mod)
    c.link(SYS, "leads", lead_ids, lp)
    c.ev["open_leads"] = [(int(p), lid, int(ts), int(o)) for p, lid, ts, s, o in
                          zip(lp, lead_ids, created, status, owner_u) if s.startswith(("Open", "Working"))]

    # contact rows
    ca = ty.address(cp, c_created)
    f, l_ = ty.names(cp)
    sal = np.where(P["gender"][cp] == 0, "Mr.", pick_w(rng, ["Ms.", "Mrs."], [70, 30], ncn))
    sal = opt(np.where(rng.random(ncn) < 0.04, "Dr.", sal), rng.random(ncn) < 0.55)
    bd = opt(fmt.iso_date(P["birth"][cp] * DAY).to_pylist(), rng.random(ncn) < 0.25)
    c_mod = clip_now(w, c_created + (rng.random(ncn) ** 3 * (w.now - c_created)).astype(np.int64), HOUR)
    t = c.add(_table("contacts", email=["email"], names=["first_name", "last_name"],
                     ref=[("account_id", fake_id("accounts"))]))
    t.set(id=contact_ids, account_id=c_acct, salutation=sal, first_name=f, middle_name=ty.middle(cp),
          last_name=l_, suffix=ty.suffix(cp), email=ty.email(cp, "crm"), phone=ty.phone(cp),
          mobile_phone=opt(ty.phone(cp, False), rng.random(ncn) < 0.4),
          birthdate=bd, national_id=[None] * ncn, mailing_street=ca["line1"], mailing_city=ca["city"], mailing_state=ca["state"],
          mailing_postal_code=ca["zip"], mailing_country=list(pick_w(rng, _countries(w), COUNTRY_W, ncn)),
          lead_source=list(pick_w(rng, SOURCES, SOURCE_W, ncn)), owner_id=list(U["ids"][c_owner]),
          is_deleted=tf(rng.random(ncn) < 0.01))
    _finish(t, w, rng, c_created, c_mod)
    c.link(SYS, "contacts", contact_ids, cp)

    # account rows
    a_hh = np.array(a_hh, np.int64)
    a_created = np.array(a_created, np.int64)
    head = np.array([cp[np.flatnonzero(hh == h)[0]] for h in a_hh], np.int64) if na else np.zeros(0, np.int64)
    a_type = pick_w(rng, ["Household", "Business"], [90, 10], na)
    name_style = rng.integers(0, 3, na)
    names = [lists.EMPLOYERS[int(p) % len(lists.EMPLOYERS)] if ty_ == "Business" else
             (f"{P['last'][p]} Household", f"The {P['last'][p]} Family", f"{P['last'][p]}, {P['first'][p]}")[s]
             for p, ty_, s in zip(head, a_type, name_style)]
    aa = ty.address(head, a_created)
    a_phone = ty.phone(head)
    a_mod = clip_now(w, a_created + (rng.random(na) ** 2 * (w.now - a_created)).astype(np.int64), HOUR)
    t = c.add(_table("accounts", names=["name"], ref=[("owner_id", fake_id("users"))]))
    t.set(id=acct_ids, name=names, type=list(a_type), billing_street=aa["line1"],
          billing_city=aa["city"], billing_state=aa["state"], billing_postal_code=aa["zip"],
          billing_country=list(pick_w(rng, _countries(w), COUNTRY_W, na)), phone=a_phone,
          owner_id=list(U["ids"][np.array(a_owner, np.int64)]) if na else [],
          is_deleted=tf(rng.random(na) < 0.01))
    _finish(t, w, rng, a_created, a_mod)

    # opportunity rows
    prod = pick_w(rng, ["Windows", "Doors", "Roofing", "HVAC", "Whole-Home"], [30, 20, 15, 20, 15], no)
    o_name = [f"{P['last'][p]} - {pr}" for p, pr in zip(o_person, prod)]
    o_mod = clip_now(w, np.where(closed, close_ts, o_created + rng.integers(0, 20, no) * DAY), HOUR)
    t = c.add(_table("opportunities", amount=[("amount", "dec")], ref=[("contact_id", fake_id("contacts"))]))
    t.set(id=opp_ids, account_id=o_acct, contact_id=o_contact, name=o_name,
          stage_name=list(stage_closed), amount=fmt.money(amount), close_date=fmt.iso_date(close_ts),
          is_closed=tf(closed), is_won=tf(won), type=list(o_type),
          lead_source=list(pick_w(rng, SOURCES, SOURCE_W, no)), owner_id=list(U["ids"][o_owner]),
          is_deleted=tf(rng.random(no) < 0.01))
    _finish(t, w, rng, o_created, o_mod)


SUBJECTS = {
    "survey": ("Call back about survey", "High"),
    "complaint": ("Follow up on complaint", "High"),
    "quote": ("Follow up on quote", "Normal"),
    "lead": ("Call new lead", "Normal"),
    "checkin": ("Check in after installation", "Low"),
}


def tasks(c):
    """Follow-up tasks: survey alerts, complaints, quotes, new leads, check-ins."""
    w = c.w
    rng = c.rng(SYS, "tasks")
    U = w.ref["users"]
    st = w.state["crm"]
    rows = []  # kind, who, what, owner, created, note
    for p, ts, rid, score in c.ev.get("survey_alerts", []):
        if p in st["contact"]:
            rows.append(("survey", st["contact"][p], st["account"].get(int(w.people["hh"][p])),
                         st["owner"][p], ts + int(rng.integers(1, 20)) * HOUR,
                         f"Survey response {rid} scored {score}. Please call the customer."))
    for p, ts, tid in c.ev.get("complaints", []):
        if p in st["contact"]:
            rows.append(("complaint", st["contact"][p], st["account"].get(int(w.people["hh"][p])),
                         st["owner"][p], ts + int(rng.integers(2, 30)) * HOUR,
                         f"Complaint ticket #{tid} opened by the customer."))
    for p, oid, ts in c.ev.get("open_opps", []):
        if rng.random() < 0.6:
            rows.append(("quote", st["contact"].get(p), oid, st["owner"].get(p, int(U["am"][0])),
                         ts + int(rng.integers(1, 10)) * DAY, "Send revised quote and confirm measurements."))
    for p, lid, ts, o in c.ev.get("open_leads", []):
        if rng.random() < 0.5:
            rows.append(("lead", lid, None, o, ts + int(rng.integers(1, 48)) * HOUR, "New lead: first call."))
    for p, cid in list(st["contact"].items()):
        if w.people["cohort"][p] == c.tag and rng.random() < 0.2:
            ts = max(int(w.people["since"][p]), w.start) + int(rng.integers(10, 90)) * DAY
            rows.append(("checkin", cid, st["account"].get(int(w.people["hh"][p])), st["owner"][p], ts,
                         "Check the customer is happy with the work."))
    rows = [r for r in rows if r[4] < w.now - HOUR]
    n = len(rows)
    kind = [r[0] for r in rows]
    created = np.array([r[4] for r in rows], np.int64)
    due = created + rng.integers(1, 8, n) * DAY
    past = due < w.now
    done = np.where(past, rng.random(n) < 0.7, rng.random(n) < 0.2)
    done_ts = clip_now(w, created + (rng.random(n) * (due - created + 3 * DAY)).astype(np.int64), HOUR)
    status = np.where(done, "Completed", pick_w(rng, ["Not Started", "In Progress", "Deferred"], [55, 35, 10], n))
    mod = np.where(done, done_ts, clip_now(w, created + rng.integers(0, 3, n) * DAY, HOUR))
    ids = sf_id("tasks", w.seq("crm.tasks", n)).to_pylist()
    t = c.add(_table("tasks", ref=[("who_id", fake_id("contacts"))]))
    t.set(id=ids, who_id=[r[1] for r in rows], what_id=[r[2] for r in rows],
          owner_id=list(U["ids"][np.array([r[3] for r in rows], np.int64)]) if n else [],
          subject=[SUBJECTS[k][0] for k in kind],
          type=list(np.where(np.isin(kind, ["survey", "complaint", "lead"]), "Call",
                             pick_w(rng, ["Call", "Email", "Meeting", "Other"], [40, 40, 10, 10], n))),
          status=list(status), priority=[SUBJECTS[k][1] for k in kind],
          activity_date=fmt.iso_date(due), completed_date_time=fmt.nulls(fmt.utc(done_ts), ~done),
          description=[r[5] for r in rows], is_deleted=tf(rng.random(n) < 0.01))
    _finish(t, w, rng, created, mod)
