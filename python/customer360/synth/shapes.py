"""Export shapes: the generated export as other companies' exports look (issue 13, "Export shapes").

`default` is the export as generated. Every other shape changes it the way a real export could differ, and the
truth files follow, so the same record keys still belong to the same true persons and households:

- `non_us` renders people in another country (see country.py); it acts while generating, from the same draws.
- The others transform the finished tables, table by table, before they are written: `missing_tables` leaves
  whole tables out, `no_email_phone` / `id_only` / `no_postal_code` empty columns (and `--drop-empty-columns`
  removes them), `no_loader_columns` removes connector columns, `heavy_corruption` damages a share of person
  records.

Random choices here come from a hash of (seed, shape, record key), never from the generator's streams: the
default export is untouched, and a record is shaped the same way whatever else is in its table (so
`--extra-share` keeps every base row identical under the shapes too).
"""

import hashlib
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc

from . import lists
from .noise import typo

SHAPES = {
    "default": "the export as generated: US people, every table, every column",
    "no_email_phone": "no email and no phone in any table; the columns stay in the header, empty",
    "no_email_phone_columns": "no_email_phone with those columns removed from the files",
    "no_postal_code": "no postcode in any person's address (a country without postcodes, an export without "
                      "the column); the columns stay in the header, empty",
    "id_only": "keys and references only: person names, emails, phones, addresses, birth dates and SSNs empty",
    "non_us": "people in another country (--country GB, DE or AU): postcodes, subdivisions, streets, phones, "
              "national ids, country columns and local-time offsets of that country",
    "missing_tables": "some tables of enabled systems are not written at all (listed below)",
    "no_loader_columns": "no loader or extract columns in any file (listed below)",
    "heavy_corruption": "a share of person records heavily mistyped: first names replaced, names dropped or "
                        "swapped, fields blanked, birth dates swapped or mistyped, email in the phone field, "
                        "more typos (--corruption-share, --corruption-typo-rate)",
}
# tables of enabled systems that a company's export may lack (fixed, so evaluations can rely on it)
ABSENT_TABLES = ["crm.leads", "billing.refunds", "support.ticket_comments", "web.page_events"]
# columns a loader or extract job adds (the sources' loaded_at_field, except orders' own updated_at)
LOADER_COLUMNS = ["_fivetran_synced", "_loaded_at", "extract_date", "exported_at"]
COUNTRY_DEFAULT = "GB"
# heavy_corruption parameters: share of person records hit, extra typo rate per record, kind weights
CORRUPTION_DEFAULTS = dict(share=0.15, typo_rate=0.05)
KIND_WEIGHTS = {
    "first_name_replaced": 20, "first_name_dropped": 8, "last_name_dropped": 8, "names_swapped": 8,
    "name_typo": 10, "email_blanked": 10, "phone_blanked": 10, "address_blanked": 8, "birth_date_blanked": 6,
    "birth_date_day_month_swapped": 6, "birth_date_digit_typo": 6, "email_in_phone_field": 4,
}

# Person columns of each table, by role. birth: (column, 'iso' | 'mdy'). employee: staff, not customers.
ROLES = {
    "crm.users": dict(first=["first_name"], last=["last_name"], email=["email"], employee=True),
    "crm.accounts": dict(phone=["phone"], address=["billing_street", "billing_city", "billing_state",
                                                   "billing_postal_code", "billing_country"]),
    "crm.contacts": dict(first=["first_name"], middle=["middle_name"], last=["last_name"], other=["suffix"],
                         email=["email"], phone=["phone", "mobile_phone"], birth=[("birthdate", "iso")],
                         address=["mailing_street", "mailing_city", "mailing_state", "mailing_postal_code",
                                  "mailing_country"]),
    "crm.leads": dict(first=["first_name"], last=["last_name"], email=["email"], phone=["phone"],
                      address=["street", "city", "state", "postal_code", "country"]),
    "crm.opportunities": dict(other=["name"]),  # "Smith - Windows"
    "marketing.sends": dict(first=["first_name"], last=["last_name"], email=["email"],
                            address=["address_line_1", "address_line_2", "city", "state", "postal_code"]),
    "orders.orders": dict(full=["customer_name"], email=["email"], phone=["phone"],
                          address=["shipping_address_1", "shipping_address_2", "shipping_city",
                                   "shipping_province_code", "shipping_zip", "shipping_country_code"]),
    "orders.projects": dict(full=["contact_name"], phone=["contact_phone"],
                            address=["site_address_1", "site_city", "site_state", "site_zip"]),
    "billing.customers": dict(full=["name"], email=["email"], phone=["phone"],
                              address=["address_line1", "address_line2", "address_city", "address_state",
                                       "address_postal_code", "address_country"]),
    "support.tickets": dict(full=["requester_name"], email=["requester_email"], phone=["requester_phone"]),
    "contact_center.interactions": dict(full=["caller_name"], email=["caller_email"], phone=["caller_phone"],
                                        address=["caller_postal_code"]),
    "surveys.responses": dict(first=["recipient_first_name"], last=["recipient_last_name"],
                              email=["recipient_email"], phone=["recipient_phone"]),
    "pos.loyalty_members": dict(first=["first_name"], last=["last_name"], email=["email"], phone=["phone"],
                                address=["postal_code"]),
    "pos.transactions": dict(full=["customer_name"], email=["customer_email"]),
    "web.registrations": dict(first=["first_name"], last=["last_name"], email=["email"], phone=["phone"],
                              address=["postal_code"]),
    "policy.policy_holders": dict(first=["first_name"], middle=["middle_name"], last=["last_name"],
                                  other=["name_suffix"], email=["email"], phone=["phone"],
                                  birth=[("birth_date", "mdy")], ssn=["ssn"],
                                  address=["address_line_1", "address_line_2", "city", "state", "zip"]),
}
# id_only: free text that carries a customer's name (an account or lead company named after the household)
HOUSEHOLD_NAMES = {"crm.accounts": ("name", "type", "Household"), "crm.leads": ("company", None, " Household")}
# source references that tie a person record to another record of its person: (table, column, table it names)
REFERENCES = [("crm.leads", "converted_contact_id", "crm.contacts"),
              ("orders.orders", "billing_customer_id", "billing.customers"), ("orders.projects", "order_id", "orders.orders"),
              ("support.tickets", "order_id", "orders.orders"),
              ("contact_center.interactions", "ticket_id", "support.tickets"),
              ("surveys.responses", "ed_order_id", "orders.orders"), ("surveys.responses", "ed_project_id", "orders.projects"),
              ("surveys.responses", "ed_ticket_id", "support.tickets"),
              ("pos.transactions", "loyalty_card_number", "pos.loyalty_members"),
              ("web.sessions", "user_id", "web.registrations"), ("web.sessions", "cookie_id", None),
              ("marketing.sends", "recipient_id", None)]
EVIDENCE = ["name", "email", "phone", "address", "birth_date", "national_id", "reference"]


def roles(key):
    return ROLES.get(key, {})


def pii_columns(key):
    """Every customer-PII column of a table (names, emails, phones, addresses, birth dates, SSNs)."""
    r = roles(key)
    cols = r.get("first", []) + r.get("middle", []) + r.get("last", []) + r.get("other", []) + r.get("full", [])
    cols += r.get("email", []) + r.get("phone", []) + r.get("address", []) + [c for c, _ in r.get("birth", [])]
    return cols + r.get("ssn", [])


def contact_columns(key):
    r = roles(key)
    return r.get("email", []) + r.get("phone", [])


def postal_code_columns(key):
    """The postcode columns of a table's person addresses (`mailing_postal_code`, `shipping_zip`, ...)."""
    return [c for c in roles(key).get("address", []) if "postal" in c or c.endswith("zip")]


def parse_shapes(values):
    """--shape values (repeatable, comma-separated) -> sorted unique shape names; 'default' alone is no shape."""
    names = []
    for v in values or []:
        names += [s.strip() for s in str(v).split(",") if s.strip()]
    bad = [s for s in names if s not in SHAPES]
    if bad:
        raise ValueError(f"unknown shape {bad[0]!r} (choose from {', '.join(SHAPES)})")
    return sorted(set(names) - {"default"})


@dataclass
class Spec:
    """The shapes of one run and what they did (for the manifest and the truth files)."""

    shapes: list
    seed: int = 0
    country: str = None
    drop_empty_columns: bool = False
    corruption: dict = field(default_factory=dict)
    absent: list = field(default_factory=list)
    blanked: dict = field(default_factory=dict)  # table -> columns emptied
    blanked_cells: set = field(default_factory=set)  # (table, source id, column) emptied in a column kept
    dropped: dict = field(default_factory=dict)  # table -> columns removed
    corruptions: list = field(default_factory=list)  # (table, source id, kind, column)
    evidence: dict = field(default_factory=dict)  # record key -> [flags in EVIDENCE order]
    referenced: set = field(default_factory=set)  # (table, id) named by a reference column

    @property
    def default(self):
        return not self.shapes

    def has(self, name):
        return name in self.shapes

    def manifest(self):
        params = {}
        if self.has("non_us"):
            params["non_us"] = dict(country=self.country)
        if self.has("heavy_corruption"):
            params["heavy_corruption"] = dict(self.corruption, kind_weights=KIND_WEIGHTS)
        if self.has("missing_tables"):
            params["missing_tables"] = dict(tables=ABSENT_TABLES)
        if self.has("no_loader_columns"):
            params["no_loader_columns"] = dict(columns=LOADER_COLUMNS)
        return dict(shapes=self.shapes, shape_params=params, country=self.country or "US",
                    drop_empty_columns=self.drop_empty_columns, absent_tables=self.absent,
                    blanked_columns=self.blanked, dropped_columns=self.dropped,
                    corrupted_records=len({(t, i) for t, i, _, _ in self.corruptions}))

    # --- the table transformations, in order ---
    def apply(self, key, table, owners, gender, skip):
        """The table as the shaped export has it, or None when the table is left out.

        owners: record key -> person index; gender: person index -> 0/1; skip: (table, id) of malformed rows."""
        if self.has("missing_tables") and key in ABSENT_TABLES:
            self.absent.append(key)
            return None
        if self.has("heavy_corruption") and key in ROLES and not roles(key).get("employee") \
                and not self.has("id_only"):  # id_only empties every field a corruption could touch
            table = self._corrupt(key, table, owners, gender, skip)
        blank = []
        if self.has("id_only") and not roles(key).get("employee"):
            blank += pii_columns(key)
            table = self._household_names(key, table)
        if self.has("no_email_phone") or self.has("no_email_phone_columns"):
            blank += contact_columns(key)
        if self.has("no_postal_code"):
            blank += postal_code_columns(key)  # staff tables have no address
        blank = [c for c in dict.fromkeys(blank) if c in table.column_names]
        for c in blank:
            table = table.set_column(table.column_names.index(c), c, pa.nulls(table.num_rows, pa.string()))
        if blank:
            self.blanked[key] = blank
        drop = []
        if self.has("no_loader_columns"):
            drop += [c for c in LOADER_COLUMNS if c in table.column_names]
        if self.drop_empty_columns:
            drop += blank
        elif self.has("no_email_phone_columns"):
            drop += [c for c in contact_columns(key) if c in table.column_names]
        drop = list(dict.fromkeys(drop))
        if drop:
            table = table.drop_columns(drop)
            self.dropped[key] = drop
        self._note_evidence(key, table, owners)
        return table

    def _note_evidence(self, key, table, owners):
        """What each person record still shows after shaping (truth/record_evidence.csv)."""
        for t, col, target in REFERENCES:
            if t == key and target and col in table.column_names:
                self.referenced.update((target, (v or "").strip()) for v in table.column(col).to_pylist() if v)
        r = roles(key)
        system, name = key.split(".")
        groups = [r.get("first", []) + r.get("last", []) + r.get("full", []), r.get("email", []), r.get("phone", []),
                  r.get("address", []), [c for c, _ in r.get("birth", [])], r.get("ssn", []),
                  [c for t, c, _ in REFERENCES if t == key]]
        groups = [[c for c in g if c in table.column_names] for g in groups]
        cols = {c: table.column(c).to_pylist() for g in groups for c in g}
        for i, raw in enumerate(table.column(table.column_names[0]).to_pylist()):
            rkey = f"{system}:{name}:{(raw or '').strip()}"
            if rkey in owners:
                self.evidence[rkey] = [any(cols[c][i] not in (None, "") for c in g) for g in groups]

    def evidence_rows(self, keys):
        """[record_key, flags...] of the given truth record keys; a record named by another record's reference
        counts as having a reference."""
        out = []
        for k in keys:
            flags = list(self.evidence.get(k, [False] * len(EVIDENCE)))
            system, name, sid = k.split(":", 2)
            flags[-1] = flags[-1] or (f"{system}.{name}", sid) in self.referenced
            out.append([k] + ["true" if f else "false" for f in flags])
        return out

    def _household_names(self, key, table):
        """id_only: an account or company named after the household ('Smith Household') is emptied."""
        if key not in HOUSEHOLD_NAMES:
            return table
        col, type_col, mark = HOUSEHOLD_NAMES[key]
        vals = table.column(col)
        if type_col:
            hit = pc.equal(table.column(type_col), mark)
        else:
            hit = pc.ends_with(vals, mark)
        hit = pc.fill_null(hit, False)
        ids = table.column(table.column_names[0]).to_pylist()
        for sid, h, v in zip(ids, hit.to_pylist(), vals.to_pylist()):
            if h and v is not None:
                self.blanked_cells.add((key, (sid or "").strip(), col))
        out = pc.if_else(hit, pa.scalar(None, pa.string()), vals)
        return table.set_column(table.column_names.index(col), col, out)

    def defect_kept(self, table, source_id, column, kind):
        """The column an injected defect is still in after shaping ('' for a duplicate id whose differing
        column was removed), or None when the shape removed it."""
        if table in self.absent or (table, source_id, column) in self.blanked_cells:
            return None
        if column in self.blanked.get(table, []) and kind != "duplicate_id":
            return None
        if column in self.dropped.get(table, []):
            return "" if kind == "duplicate_id" else None
        return column

    # --- heavy corruption ---
    def _corrupt(self, key, table, owners, gender, skip):
        r = roles(key)
        system, name = key.split(".")
        id_col = table.column_names[0]
        ids = table.column(id_col).to_pylist()
        cols = {c: table.column(c).to_pylist() for c in pii_columns(key)}
        share, typo_rate = self.corruption["share"], self.corruption["typo_rate"]
        no_contact = self.has("no_email_phone") or self.has("no_email_phone_columns")
        for i, raw in enumerate(ids):
            sid = (raw or "").strip()
            rkey = f"{system}:{name}:{sid}"
            if not sid or sid != raw or (key, sid) in skip or rkey not in owners:
                continue
            u = _uniforms(self.seed, "heavy_corruption", rkey)
            kinds = []
            if u[0] < share:
                kinds = _pick_kinds(r, cols, i, u[1], u[2], u[3], no_contact)
            if u[4] < typo_rate and "name_typo" not in kinds:
                kinds.append("name_typo")
            for kind in kinds:
                col = _corrupt_one(kind, r, cols, i, gender[owners[rkey]], _uniforms(self.seed, kind, rkey))
                if col:
                    self.corruptions.append((key, sid, kind, col))
        for c, vals in cols.items():
            table = table.set_column(table.column_names.index(c), c, pa.array(vals, pa.string()))
        return table


def _uniforms(seed, salt, key):
    """Eight uniform numbers in [0, 1) from a hash of (seed, salt, key)."""
    d = hashlib.blake2b(f"{seed}|{salt}|{key}".encode(), digest_size=64).digest()
    return [int.from_bytes(d[k:k + 8], "big") / 2 ** 64 for k in range(0, 64, 8)]


def _filled(cols, names, i):
    return [c for c in names if cols.get(c) is not None and cols[c][i] not in (None, "")]


def _applicable(r, cols, i):
    name_cols = _filled(cols, r.get("first", []) + r.get("last", []) + r.get("full", []), i)
    kinds = []
    if _filled(cols, r.get("first", []) + r.get("full", []), i):
        kinds += ["first_name_replaced", "first_name_dropped"]
    if _filled(cols, r.get("last", []) + r.get("full", []), i):
        kinds.append("last_name_dropped")
    if (_filled(cols, r.get("first", []), i) and _filled(cols, r.get("last", []), i)) or _filled(cols, r.get("full", []), i):
        kinds.append("names_swapped")
    if name_cols:
        kinds.append("name_typo")
    if _filled(cols, r.get("email", []), i):
        kinds.append("email_blanked")
        if r.get("phone"):
            kinds.append("email_in_phone_field")
    if _filled(cols, r.get("phone", []), i):
        kinds.append("phone_blanked")
    if _filled(cols, r.get("address", []), i):
        kinds.append("address_blanked")
    births = _filled(cols, [c for c, _ in r.get("birth", [])], i)
    if births:
        kinds += ["birth_date_blanked", "birth_date_digit_typo"]
        fmt = dict(r["birth"])[births[0]]
        _, m, d = _split_date(cols[births[0]][i], fmt)
        if d <= 12 and d != m:
            kinds.append("birth_date_day_month_swapped")
    return kinds


def _pick_kinds(r, cols, i, u_count, u1, u2, no_contact=False):
    """One kind (70%) or two different kinds (30%), weighted by KIND_WEIGHTS among those that apply
    (none touching emails or phones when another shape empties them)."""
    options = [k for k in _applicable(r, cols, i)
               if not (no_contact and k in ("email_blanked", "phone_blanked", "email_in_phone_field"))]
    out = []
    for u in ([u1] if u_count < 0.7 else [u1, u2]):
        opts = [k for k in options if k not in out]
        if not opts:
            break
        total = sum(KIND_WEIGHTS[k] for k in opts)
        acc = 0.0
        for k in opts:
            acc += KIND_WEIGHTS[k] / total
            if u < acc:
                out.append(k)
                break
        else:
            out.append(opts[-1])
    return out


def _split_full(text):
    """'Last, First' or 'First [M.] Last ...' -> (first, rest, comma form)."""
    if "," in text:
        last, _, first = text.partition(",")
        return first.strip(), last.strip(), True
    first, _, rest = text.strip().partition(" ")
    return first, rest.strip(), False


def _join_full(first, rest, comma):
    if not first:
        return rest or None
    if not rest:
        return first
    return f"{rest}, {first}" if comma else f"{first} {rest}"


def _other_first(current, g, u):
    pool = lists.MALE if g == 0 else lists.FEMALE
    k = int(u * len(pool))
    for step in range(len(pool)):
        cand = pool[(k + step) % len(pool)]
        if cand.lower() != (current or "").lower():
            return cand.upper() if current and current.isupper() else cand
    return current


def _split_date(v, fmt):
    if fmt == "iso":
        y, m, d = v.split("-")
    else:
        m, d, y = v.split("/")
    return int(y), int(m), int(d)


def _join_date(y, m, d, fmt):
    return f"{y:04d}-{m:02d}-{d:02d}" if fmt == "iso" else f"{m:02d}/{d:02d}/{y:04d}"


def _corrupt_one(kind, r, cols, i, g, u):
    """Apply one corruption to row i; returns the column changed, or None when nothing applied."""
    first, last, full = (_filled(cols, r.get(k, []), i) for k in ("first", "last", "full"))
    if kind in ("first_name_replaced", "first_name_dropped") and (first or full):
        if first:
            c = first[0]
            cols[c][i] = _other_first(cols[c][i], g, u[0]) if kind == "first_name_replaced" else None
            return c
        c = full[0]
        f, rest, comma = _split_full(cols[c][i])
        if kind == "first_name_replaced":
            cols[c][i] = _join_full(_other_first(f, g, u[0]), rest, comma)
        else:
            cols[c][i] = _join_full(None, rest, comma) or None
        return c
    if kind == "last_name_dropped" and (last or full):
        c = (last or full)[0]
        if last:
            cols[c][i] = None
        else:
            f, _, comma = _split_full(cols[c][i])
            cols[c][i] = f or None
        return c
    if kind == "names_swapped":
        if first and last:
            a, b = first[0], last[0]
            cols[a][i], cols[b][i] = cols[b][i], cols[a][i]
            return f"{a}+{b}"
        if full:
            c = full[0]
            f, rest, comma = _split_full(cols[c][i])
            if f and rest:
                cols[c][i] = f"{rest} {f}" if not comma else f"{f}, {rest}"
                return c
        return None
    if kind == "name_typo":
        names = first + last + full
        if not names:
            return None
        c = names[int(u[0] * len(names))]
        new = typo(cols[c][i], u[1])
        if new == cols[c][i]:
            return None
        cols[c][i] = new
        return c
    if kind == "email_blanked":
        cs = _filled(cols, r.get("email", []), i)
        for c in cs:
            cols[c][i] = None
        return "+".join(cs) or None
    if kind == "phone_blanked":
        cs = _filled(cols, r.get("phone", []), i)
        for c in cs:
            cols[c][i] = None
        return "+".join(cs) or None
    if kind == "address_blanked":
        cs = _filled(cols, r.get("address", []), i)
        for c in cs:
            cols[c][i] = None
        return "+".join(cs) or None
    if kind == "email_in_phone_field":
        em = _filled(cols, r.get("email", []), i)
        if not em or not r.get("phone"):
            return None
        ph = r["phone"][0]
        cols[ph][i], cols[em[0]][i] = cols[em[0]][i], None
        return f"{em[0]}>{ph}"
    if kind.startswith("birth_date"):
        bs = _filled(cols, [c for c, _ in r.get("birth", [])], i)
        if not bs:
            return None
        c = bs[0]
        fmt = dict(r["birth"])[c]
        if kind == "birth_date_blanked":
            cols[c][i] = None
            return c
        y, m, d = _split_date(cols[c][i], fmt)
        if kind == "birth_date_day_month_swapped":
            if d > 12 or d == m:
                return None
            cols[c][i] = _join_date(y, d, m, fmt)
            return c
        # one digit of the month or the day mistyped, still a date of the calendar
        for step in range(8):
            uu = (u[2] + step * 0.125) % 1.0
            if uu < 0.5:
                digits = f"{m:02d}"
                k = int(uu * 4) % 2
                nd = (int(digits[k]) + 1 + int(u[3] * 8)) % 10
                m2 = int(digits[:k] + str(nd) + digits[k + 1:])
                if 1 <= m2 <= 12 and m2 != m and d <= _days_in(y, m2):
                    cols[c][i] = _join_date(y, m2, d, fmt)
                    return c
            else:
                digits = f"{d:02d}"
                k = int(uu * 4) % 2
                nd = (int(digits[k]) + 1 + int(u[3] * 8)) % 10
                d2 = int(digits[:k] + str(nd) + digits[k + 1:])
                if 1 <= d2 <= _days_in(y, m) and d2 != d:
                    cols[c][i] = _join_date(y, m, d2, fmt)
                    return c
        return None
    return None


def _days_in(y, m):
    if m == 2:
        return 29 if (y % 4 == 0 and y % 100 != 0) or y % 400 == 0 else 28
    return 30 if m in (4, 6, 9, 11) else 31
