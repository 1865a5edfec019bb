"""Clustering links into customers and giving each customer a persistent id.

Records are nodes, accepted links are edges; customers are built from components
(``scipy.sparse.csgraph.connected_components``). Links come in three strengths:

- deterministic: every deterministic link (no ``match_weight``). Followed transitively.
- checked: model links (with a ``match_weight``) backed by an agreeing email, phone, birth date, or the
  same first name at the same street. A household shares its street, landline and sometimes a mailbox,
  and a parent and a child may share a name or a nickname (Andy for Andrew and Andrea), so such links,
  strongest first, join two customers only when they do not conflict: no different birth date or SSN,
  and not both an email and a phone of their own (each shows emails and phones, sharing none).
- weak (``is_name_only``): model links where the names agree but no email, phone or birth date does
  (see ``settings.IDENTIFIER_EVIDENCE_LEVELS``). Two people can share a name, so a weak link never
  bridges customers: it attaches a smaller component to a larger one only when that is the only
  component it weakly matches and the two show no conflicting phone, birth date or SSN. A record
  that matches two same-named customers stays apart.

Then two attachments compare whole customers: a customer whose name fits one other customer only, with
nothing contradicting it (``attach_by_profile``), and a group without a full name whose email (or,
when no named record holds it, one typo of it) one customer holds (``attach_nameless``).

A record without any link is a customer of its own, unless it cannot identify anyone (no name, no
email: a bare phone, a web session, a card-only sale) — such components are anonymous and get no
customer.

Customer ids are content-derived: ``'C' + the first 16 hex digits of md5(anchor record key)``, the
anchor being the component's earliest identifiable record (``first_seen_at``, then ``record_key``).
The same data always gives the same ids, so a rebuild from scratch renumbers nobody. On top of that,
ids are carried over from the previous run: a customer keeps its id when records are added — even a
record older than its anchor — and when two customers merge the one seen first keeps its id (the
other id is retired and listed by int_identity__customer_id_merges from the snapshot).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

CUSTOMER_ID_PREFIX = "C"
CUSTOMER_ID_HEX_DIGITS = 16


def customer_id_for(anchor_record_key: str) -> str:
    """The customer id derived from an anchor record key."""
    digest = hashlib.md5(anchor_record_key.encode("utf-8")).hexdigest()
    return CUSTOMER_ID_PREFIX + digest[:CUSTOMER_ID_HEX_DIGITS]


def _components(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    graph = coo_matrix((np.ones(len(a), dtype=np.int8), (a, b)), shape=(n, n))
    return connected_components(graph, directed=False)[1]


def _indices(index: dict[str, int], keys: Sequence[str]) -> np.ndarray:
    """Position of each key in ``index`` (-1 when absent)."""
    if not len(keys):
        return np.zeros(0, dtype=np.int64)
    positions = pc.index_in(pa.array(keys, pa.string()), value_set=pa.array(list(index), pa.string()))
    found = np.asarray(pc.fill_null(positions, -1).to_numpy(zero_copy_only=False), dtype=np.int64)
    values = np.fromiter(index.values(), dtype=np.int64, count=len(index))
    return np.where(found >= 0, values[np.maximum(found, 0)], -1)


#: Kinds of identifier a person has few of: two customers that both show one kind with no value in
#: common are taken to be two people (a weak link never joins them).
CONFLICT_KINDS = ("phone_e164", "birth_date", "national_id")
#: Record columns the nameless attachment needs (``attach_nameless``), in its argument order.
NAMELESS_ATTACHMENT_COLUMNS = ("first_name", "last_name", "email_key")


def _differs(x: dict[str, set], y: dict[str, set], kind: str) -> bool:
    """Both show values of ``kind`` and share none."""
    return bool(x.get(kind) and y.get(kind) and not (x[kind] & y[kind]))


def _conflict(x: dict[str, set], y: dict[str, set], kinds: Sequence[str] = CONFLICT_KINDS) -> bool:
    return any(_differs(x, y, kind) for kind in kinds)


def _add_values(
    values: dict[str, set], identifiers: Sequence[dict[str, str | None]], i: int, kinds: Sequence[str]
) -> None:
    """Add record ``i``'s identifier values of ``kinds`` to ``values`` (kind -> set of values)."""
    for kind in kinds:
        value = identifiers[i].get(kind)
        if value is not None:
            values.setdefault(kind, set()).add(value)


def _component_values(
    labels: np.ndarray,
    identifiers: Sequence[dict[str, str | None]] | None,
    components: Sequence[int],
    kinds: Sequence[str],
) -> dict[int, dict[str, set]]:
    """For each of ``components``: kind -> the set of values its records show."""
    values: dict[int, dict[str, set]] = {int(c): {} for c in components}
    if identifiers is not None:
        for i in np.flatnonzero(np.isin(labels, list(values))):
            _add_values(values[int(labels[i])], identifiers, i, kinds)
    return values


#: Kinds of identifier of which two people of one name at one address each have their own: customers
#: that both show both kinds and share no value of either are two people (a parent and a child).
OWN_IDENTIFIER_KINDS = ("email_key", "phone_e164")
#: Kinds whose values, all different, always tell two people apart.
PERSONAL_IDENTIFIER_KINDS = ("birth_date", "national_id")


def _checked_merge(
    labels: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
    weights: np.ndarray,
    identifiers: Sequence[dict[str, str | None]] | None,
) -> np.ndarray:
    """Follow checked links, strongest first (ties by record position), between components that do not
    conflict (see the module docstring); returns compact labels."""
    parent = list(range(int(labels.max()) + 1 if len(labels) else 0))
    across = labels[a] != labels[b]  # a link inside one component changes nothing
    a, b, weights = a[across], b[across], weights[across]

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    values = _component_values(
        labels,
        identifiers,
        sorted(set(labels[a].tolist()) | set(labels[b].tolist())),
        OWN_IDENTIFIER_KINDS + PERSONAL_IDENTIFIER_KINDS,
    )
    for k in np.lexsort((b, a, -weights)):
        x, y = find(int(labels[a[k]])), find(int(labels[b[k]]))
        if x == y:
            continue
        vx, vy = values.get(x, {}), values.get(y, {})
        if _conflict(vx, vy, PERSONAL_IDENTIFIER_KINDS) or all(
            _differs(vx, vy, kind) for kind in OWN_IDENTIFIER_KINDS
        ):
            continue
        if len(vx) < len(vy):
            x, y, vx, vy = y, x, vy, vx
        parent[y] = x
        for kind, found in vy.items():
            vx.setdefault(kind, set()).update(found)
        values[x] = vx
        values.pop(y, None)
    roots = np.array([find(int(label)) for label in labels], dtype=np.int64)
    return np.unique(roots, return_inverse=True)[1].astype(np.int64)


def component_labels(
    record_keys: Sequence[str],
    left: Sequence[str],
    right: Sequence[str],
    is_weak: Sequence[bool] | None = None,
    identifiers: Sequence[dict[str, str | None]] | None = None,
    is_checked: Sequence[bool] | None = None,
    weights: Sequence[float | None] | None = None,
) -> np.ndarray:
    """Customer component label of every record (labels are arbitrary integers).

    ``left``/``right`` are the two record keys of each link and ``is_weak`` flags name-only links. Other
    links are followed transitively, except checked links (``is_checked``: model links), followed next,
    strongest first (``weights``, the match weight), unless the two components conflict
    (``PERSONAL_IDENTIFIER_KINDS`` differ, or each shows its own ``OWN_IDENTIFIER_KINDS``). A weak link
    then attaches component X to component Y only when all of X's weak links lead to Y, X is smaller
    than Y (or, at equal size, Y's weak links all lead back to X), and X and Y do not conflict:
    ``identifiers`` gives each record's phone, birth date and SSN (``CONFLICT_KINDS``), and two
    components conflict when both show a kind and share no value of it. Links naming an unknown record
    are ignored (a reference to a quarantined or missing record).
    """
    index = {key: i for i, key in enumerate(record_keys)}
    if len(index) != len(record_keys):
        raise ValueError("record keys must be unique")
    a, b = _indices(index, left), _indices(index, right)
    weak = np.zeros(len(a), dtype=bool) if is_weak is None else np.asarray(is_weak, dtype=bool)
    checked = np.zeros(len(a), dtype=bool) if is_checked is None else np.asarray(is_checked, dtype=bool)
    known = (a >= 0) & (b >= 0)
    n = len(record_keys)
    strong = known & ~weak & ~checked
    labels = _components(n, a[strong], b[strong])
    checked &= known & ~weak
    if checked.any():
        w = np.zeros(len(a)) if weights is None else np.nan_to_num(np.asarray(weights, dtype=float), nan=0.0)
        labels = _checked_merge(labels, a[checked], b[checked], w[checked], identifiers)
    weak_pairs = known & weak
    la, lb = labels[a[weak_pairs]], labels[b[weak_pairs]]
    cross = la != lb
    if not cross.any():
        return labels
    neighbours: dict[int, set[int]] = {}
    for x, y in zip(la[cross].tolist(), lb[cross].tolist()):
        neighbours.setdefault(x, set()).add(y)
        neighbours.setdefault(y, set()).add(x)
    # identifier sets of the components that have weak links
    values = _component_values(labels, identifiers, list(neighbours), CONFLICT_KINDS)
    size = np.bincount(labels)
    attach_a, attach_b = [], []
    for x, ys in neighbours.items():
        if len(ys) != 1:
            continue
        (y,) = ys
        if not (size[x] < size[y] or (size[x] == size[y] and neighbours[y] == {x})):
            continue
        if _conflict(values[x], values[y]):
            continue
        attach_a.append(x)
        attach_b.append(y)
    if not attach_a:
        return labels
    merged = _components(len(size), np.array(attach_a, dtype=np.int64), np.array(attach_b, dtype=np.int64))
    return merged[labels]


def _attached_labels(
    labels: np.ndarray, attach_a: list[int], attach_b: list[int], attached: dict[int, int]
) -> tuple[np.ndarray, dict[int, int]]:
    """Labels after joining each component ``attach_a[i]`` to ``attach_b[i]``, with the attachments."""
    if not attach_a:
        return labels, {}
    merged = _components(
        int(labels.max()) + 1, np.array(attach_a, dtype=np.int64), np.array(attach_b, dtype=np.int64)
    )
    return merged[labels], attached


#: Rule name of the attachment of a nameless component to the one customer holding its email.
NAMELESS_ATTACHMENT_RULE = "same_email_single_customer"
#: Rule name of the attachment of a nameless component whose email no named record holds to the one
#: customer holding an email one typo from it.
NAMELESS_EMAIL_TYPO_RULE = "email_typo_single_customer"
#: Shortest local part (before the @) whose one-letter typo is still taken to point at one mailbox.
EMAIL_TYPO_MIN_LOCAL_LENGTH = 6

#: Pairs of emails one edit apart (insert, delete, substitute or swap two neighbours) in the same
#: domain, with the same digits (jsmith1 and jsmith2 are two mailboxes), the first's local part at least
#: ``EMAIL_TYPO_MIN_LOCAL_LENGTH`` long. Candidates meet on a one-letter deletion of each local part.
EMAIL_TYPO_PAIRS_SQL = f"""
with
emails as (
    select 'query' as side, email from queries
    union all
    select 'owned' as side, email from owned
),
parts as (
    select side, email, split_part(email, '@', 1) as local_part, split_part(email, '@', 2) as domain
    from emails
),
deletions as (
    select side, email, domain, local_part,
        unnest(list_transform(
            range(length(local_part) + 1),
            i -> case when i = 0 then local_part else left(local_part, i - 1) || substr(local_part, i + 1) end
        )) as deletion
    from parts
    where side = 'owned' or length(local_part) >= {EMAIL_TYPO_MIN_LOCAL_LENGTH}
)
select distinct query.email as query_email, owned.email as owned_email
from deletions as query
inner join deletions as owned
    on query.domain = owned.domain and query.deletion = owned.deletion and query.email != owned.email
where
    query.side = 'query'
    and owned.side = 'owned'
    and damerau_levenshtein(query.local_part, owned.local_part) <= 1
    and regexp_replace(query.local_part, '[^0-9]', '', 'g') = regexp_replace(owned.local_part, '[^0-9]', '', 'g')
"""


def email_typo_pairs(queries: Sequence[str], owned: Sequence[str]) -> dict[str, set[str]]:
    """For each of ``queries``: the ``owned`` emails one typo from it (see ``EMAIL_TYPO_PAIRS_SQL``)."""
    import duckdb

    if not len(queries) or not len(owned):
        return {}
    con = duckdb.connect(":memory:")
    try:
        con.register("queries", pa.table({"email": pa.array(list(queries), pa.string())}))
        con.register("owned", pa.table({"email": pa.array(list(owned), pa.string())}))
        found: dict[str, set[str]] = {}
        for query, match in con.sql(EMAIL_TYPO_PAIRS_SQL).fetchall():
            found.setdefault(query, set()).add(match)
        return found
    finally:
        con.close()


def attach_nameless(
    labels: np.ndarray,
    first_names: Sequence[str | None],
    last_names: Sequence[str | None],
    email_keys: Sequence[str | None],
    identifiers: Sequence[dict[str, str | None]] | None = None,
) -> tuple[np.ndarray, dict[int, int], dict[int, str]]:
    """Attach nameless components to the one customer that holds their email.

    A component none of whose records has a full name (a web registration or a store sale with only
    an email, or one name typed into one field, and the sessions or sales tied to it) says little
    about which household member it is, so no rule links it by name. After clustering, the records
    with a first and a last name show who owns an email: when those carrying any of the component's
    email keys all belong to ONE component Y, the component joins Y — unless a name it shows (first or
    last) is not a name found in Y, or the two conflict on phone, birth date or SSN
    (``CONFLICT_KINDS``). An email held by two customers (a household address) attaches nothing.
    A component whose emails no named record holds looks for emails one typo from its own instead
    (``email_typo_pairs``), under the same conditions (``NAMELESS_EMAIL_TYPO_RULE``).

    Returns the new labels, ``{record index: index of the named record it was attached to}`` for
    the record of each attached component whose email decided it, and ``{record index: rule name}``.
    """
    n = len(labels)
    named = np.fromiter(
        (f is not None and l is not None for f, l in zip(first_names, last_names)), dtype=bool, count=n
    )
    has_named = np.zeros(int(labels.max()) + 1 if n else 0, dtype=bool)
    np.logical_or.at(has_named, labels, named)
    owners: dict[str, dict[int, int]] = {}  # email key -> {named component: first named record}
    for i in np.flatnonzero(named):
        email = email_keys[i]
        if email is not None:
            owners.setdefault(email, {}).setdefault(int(labels[i]), int(i))
    members: dict[int, list[int]] = {}
    for i in range(n):
        members.setdefault(int(labels[i]), []).append(i)
    names_of: dict[int, set[str]] = {}

    def names(component: int) -> set[str]:
        if component not in names_of:
            names_of[component] = {
                v for i in members[component] for v in (first_names[i], last_names[i]) if v is not None
            }
        return names_of[component]

    def identifier_values(component: int) -> dict[str, set]:
        values: dict[str, set] = {}
        if identifiers is not None:
            for i in members[component]:
                _add_values(values, identifiers, i, CONFLICT_KINDS)
        return values

    nameless = [c for c in members if not has_named[c]]
    unowned: set[str] = set()  # emails of nameless components none of whose emails a named record holds
    for component in nameless:
        emails = {email_keys[i] for i in members[component] if email_keys[i]}
        if not emails & owners.keys():
            unowned |= emails
    typo_owners = email_typo_pairs(sorted(unowned), sorted(owners))
    attach_a, attach_b, attached, rules = [], [], {}, {}
    for component in nameless:
        records = members[component]
        targets: dict[int, tuple[int, int]] = {}
        rule = NAMELESS_ATTACHMENT_RULE
        for i in records:
            for target, named_record in owners.get(email_keys[i], {}).items() if email_keys[i] else ():
                targets.setdefault(target, (i, named_record))
        if not targets:
            rule = NAMELESS_EMAIL_TYPO_RULE
            for i in records:
                for owned in sorted(typo_owners.get(email_keys[i], ())):
                    for target, named_record in owners[owned].items():
                        targets.setdefault(target, (i, named_record))
        if len(targets) != 1:
            continue
        ((target, (record, named_record)),) = targets.items()
        if not names(component) <= names(target):
            continue
        if _conflict(identifier_values(component), identifier_values(target)):
            continue
        attach_a.append(component)
        attach_b.append(target)
        attached[record] = named_record
        rules[record] = rule
    new_labels, attached = _attached_labels(labels, attach_a, attach_b, attached)
    return new_labels, attached, rules


#: Rule name of the attachment of a customer to the one other customer its name fits (see ``attach_by_profile``).
PROFILE_ATTACHMENT_RULE = "compatible_name_single_candidate"
#: Record columns the profile attachment needs.
PROFILE_ATTACHMENT_COLUMNS = (
    "first_name",
    "first_name_keys",
    "last_name",
    "email_key",
    "phone_e164",
    "address_line_1",
    "postal_code",
    "birth_date",
    "national_id",
)
#: Optional record column of the profile attachment (see ``attach_by_profile``).
FIRST_NAME_VARIANTS_COLUMN = "first_name_variants"
#: How many times the profile attachment runs: a merged profile may fit one more customer.
PROFILE_ATTACHMENT_PASSES = 2
#: Jaro-Winkler similarity at or above which two first names count as one name mistyped.
FIRST_NAME_TYPO_SIMILARITY = 0.88

#: Run once per clustering (names do not depend on the clusters): each first name with its keys and
#: variants once as a name form, the forms of every record, and which pairs of forms fit — the same
#: name, a nickname (``first_name_keys``), a typo or a mistyped nickname — among forms that meet under a
#: last name and a blocking key.
PROFILE_NAME_FORMS_SQL = (
    """
    create temp table record_names as
    select record_index, first_name,
        coalesce(first_name_keys, [first_name]) as first_name_keys,
        coalesce(first_name_variants, first_name_keys, [first_name]) as first_name_variants,
        last_name
    from records
    where first_name is not null and last_name is not null
    union all
    -- the name as typed into the other field (first and last name swapped)
    select record_index, last_name, [last_name], [last_name], first_name
    from records
    where first_name is not null and last_name is not null
    """,
    """
    create temp table name_forms as
    select
        row_number() over (order by first_name, first_name_keys, first_name_variants) as name_form_id,
        first_name,
        first_name_keys,
        first_name_variants,
        list_distinct(list_concat(
            first_name_keys,
            list_transform(list_append(first_name_variants, first_name), v -> '^' || left(v, 1))
        )) as block_keys
    from (select distinct first_name, first_name_keys, first_name_variants from record_names)
    """,
    """
    create temp table record_forms as
    select distinct record_names.record_index, record_names.last_name, name_forms.name_form_id
    from record_names
    inner join name_forms
        on
            record_names.first_name = name_forms.first_name
            and record_names.first_name_keys = name_forms.first_name_keys
            and record_names.first_name_variants = name_forms.first_name_variants
    """,
    """
    create temp table form_blocks as
    select distinct record_forms.last_name, record_forms.name_form_id, unnest(name_forms.block_keys) as block_key
    from record_forms
    inner join name_forms on record_forms.name_form_id = name_forms.name_form_id
    """,
    f"""
    create temp table fitting_forms as
    select form_pairs.x_form, form_pairs.y_form
    from (
        select distinct x.name_form_id as x_form, y.name_form_id as y_form
        from form_blocks as x
        inner join form_blocks as y
            on x.last_name = y.last_name and x.block_key = y.block_key and x.name_form_id != y.name_form_id
    ) as form_pairs
    inner join name_forms as x on form_pairs.x_form = x.name_form_id
    inner join name_forms as y on form_pairs.y_form = y.name_form_id
    where
        len(list_intersect(x.first_name_keys, y.first_name_keys)) > 0
        or jaro_winkler_similarity(x.first_name, y.first_name) >= {FIRST_NAME_TYPO_SIMILARITY}
        or damerau_levenshtein(x.first_name, y.first_name) <= 1
        -- a mistyped nickname: one edit from a way the other name is written ("bobyb", robert)
        or len(list_filter(y.first_name_variants, v -> damerau_levenshtein(x.first_name, v) <= 1)) > 0
        or len(list_filter(x.first_name_variants, v -> damerau_levenshtein(y.first_name, v) <= 1)) > 0
    """,
)

#: Run once per pass over the current ``labels`` (record_index, label): components as profiles (every
#: value any of their records shows), compared pairwise when they share a last name and a first name
#: fits (a record's own forms always fit each other).
PROFILE_ATTACHMENT_SQL = """
with
labelled_forms as (
    select distinct labels.label, record_forms.last_name, record_forms.name_form_id
    from record_forms
    inner join labels on record_forms.record_index = labels.record_index
),
form_pairs as (
    select name_form_id as x_form, name_form_id as y_form from name_forms
    union all
    select x_form, y_form from fitting_forms
),
name_pairs as (
    select distinct x.label as x, y.label as y
    from labelled_forms as x
    inner join form_pairs on x.name_form_id = form_pairs.x_form
    inner join labelled_forms as y
        on form_pairs.y_form = y.name_form_id and x.last_name = y.last_name and x.label != y.label
),
profiles as (
    select
        labels.label,
        count(*) as record_count,
        min(records.record_index) as first_record_index,
        list_filter(list(distinct email_key), v -> v is not null) as emails,
        list_filter(list(distinct phone_e164), v -> v is not null) as phones,
        list_filter(list(distinct address_line_1 || '|' || postal_code), v -> v is not null) as streets,
        list_filter(list(distinct postal_code), v -> v is not null) as zips,
        list_filter(list(distinct birth_date), v -> v is not null) as birth_dates,
        list_filter(list(distinct national_id), v -> v is not null) as ssns
    from records
    inner join labels on records.record_index = labels.record_index
    group by labels.label
),
compared as (
    select
        name_pairs.x,
        name_pairs.y,
        px.record_count as x_size,
        py.record_count as y_size,
        px.first_record_index as x_record,
        py.first_record_index as y_record,
        len(list_filter(px.emails, a -> len(list_filter(py.emails, b -> damerau_levenshtein(a, b) <= 1)) > 0)) > 0
            as is_email_close,
        len(list_intersect(px.phones, py.phones)) > 0 as is_phone_shared,
        len(list_intersect(px.streets, py.streets)) > 0 as is_street_shared,
        len(list_intersect(px.zips, py.zips)) > 0 as is_zip_shared,
        len(px.emails) > 0 and len(py.emails) > 0 as has_emails,
        len(px.phones) > 0 and len(py.phones) > 0 as has_phones,
        len(px.zips) > 0 and len(py.zips) > 0 as has_zips,
        len(px.birth_dates) > 0 and len(py.birth_dates) > 0
            and len(list_intersect(px.birth_dates, py.birth_dates)) = 0 as is_birth_date_conflict,
        len(px.ssns) > 0 and len(py.ssns) > 0 and len(list_intersect(px.ssns, py.ssns)) = 0 as is_ssn_conflict
    from name_pairs
    inner join profiles as px on name_pairs.x = px.label
    inner join profiles as py on name_pairs.y = py.label
),
eligible as (
    -- no contradiction: different emails, ZIPs, birth dates or SSNs are two people, and so are two
    -- people of one name at one street with different phones (a parent and a child)
    select
        *,
        is_email_close or is_phone_shared or is_street_shared or is_zip_shared as has_support
    from compared
    where
        not (has_emails and not is_email_close)
        and not (has_zips and not is_zip_shared)
        and not (has_phones and not is_phone_shared and is_street_shared)
        and not is_birth_date_conflict
        and not is_ssn_conflict
),
considered as (
    -- x only ever joins a larger customer: while one exists, candidates no larger than x (another
    -- record of the same person, split off like x) do not make x ambiguous
    select *
    from eligible
    qualify y_size > x_size or max(y_size) over (partition by x) <= x_size
),
picked as (
    select
        x,
        case
            when count(*) = 1 then any_value(y)
            when count(*) filter (where has_support) = 1 then any_value(y) filter (where has_support)
        end as y
    from considered
    group by x
)
select considered.x, considered.y, considered.x_size, considered.y_size, considered.x_record, considered.y_record
from picked
inner join considered on picked.x = considered.x and picked.y = considered.y
"""


def attach_by_profile(
    labels: np.ndarray, records: pa.Table, passes: int = PROFILE_ATTACHMENT_PASSES
) -> tuple[np.ndarray, dict[int, int]]:
    """Attach a customer to the one other customer its name fits, when nothing contradicts it.

    After clustering, each component is a profile: every first and last name, email, phone, street,
    ZIP, birth date and SSN its records show. Component X is a candidate for Y when they share a last
    name (or the two names swapped) and a first name fits: the same, a nickname, a typo (Jaro-Winkler
    >= ``FIRST_NAME_TYPO_SIMILARITY`` or one edit) or a mistyped nickname. None of these may contradict:
    both show emails and none is the same or one edit apart; both show ZIPs and share none; both show
    birth dates or SSNs and share none; they share a street but no phone (a parent and a child of one
    name). X joins Y when Y is X's only candidate, or the only one sharing an email, phone, street or
    ZIP with it, and X is the smaller (at equal size, when Y's choice is X too). Candidates no larger
    than X do not count while a larger one exists (two store receipts of one person, each split off,
    would otherwise keep each other apart). A record without email, phone or address whose name two
    larger customers carry stays apart.

    ``records`` has the ``PROFILE_ATTACHMENT_COLUMNS`` in ``labels`` order, and optionally
    ``first_name_variants`` (every way the first name may be written: a first name one edit from a
    variant of the other's also fits, "bobyb" for robert). Returns the new labels and
    ``{record index: index of the record it was attached to}`` for one record of each attached component.
    It runs up to ``passes`` times (a merged profile may fit one more customer); the names are compared
    once for all passes.
    """
    import duckdb

    n = len(labels)
    if n == 0:
        return labels, {}
    if FIRST_NAME_VARIANTS_COLUMN not in records.column_names:
        records = records.append_column(FIRST_NAME_VARIANTS_COLUMN, pa.nulls(n, pa.list_(pa.string())))
    table = records.select(list(PROFILE_ATTACHMENT_COLUMNS) + [FIRST_NAME_VARIANTS_COLUMN]).append_column(
        "record_index", pa.array(np.arange(n), pa.int64())
    )
    attached: dict[int, int] = {}
    con = duckdb.connect(":memory:")
    try:
        con.register("records", table)
        for statement in PROFILE_NAME_FORMS_SQL:
            con.execute(statement)
        for _ in range(passes):
            con.register("labels", pa.table({"record_index": np.arange(n), "label": pa.array(labels, pa.int64())}))
            rows = con.sql(PROFILE_ATTACHMENT_SQL).fetchall()
            choice = {x: (y, x_size, y_size, x_record, y_record) for x, y, x_size, y_size, x_record, y_record in rows}
            attach_a, attach_b, by_pass = [], [], {}
            for x, (y, x_size, y_size, x_record, y_record) in choice.items():
                if x_size > y_size or (x_size == y_size and (choice.get(y, (None,))[0] != x or x > y)):
                    continue
                attach_a.append(x)
                attach_b.append(y)
                by_pass[x_record] = y_record
            if not by_pass:
                break
            labels, _ = _attached_labels(labels, attach_a, attach_b, by_pass)
            attached.update(by_pass)
    finally:
        con.close()
    return labels, attached


def _customer_ids(
    labels: np.ndarray,
    keys: Sequence[str],
    anchor_of_label: dict[int, int],
    has_identifiable: np.ndarray,
    previous: dict[str, str] | None,
) -> tuple[dict[int, str], set[int]]:
    """Customer id of every non-anonymous component, and the components whose id was carried over.

    With ``previous`` (record key → customer id of the last run), a component keeps a previous id of
    its records: its own derived id if one of its records had it (so merges give the ids a rebuild
    from scratch gives), else the id most of its records had (a customer that an older record joined
    keeps its id; after a split the larger part keeps it); each previous id goes to one component at
    most. Other components get the id
    derived from their anchor record (if a carried id already holds it, from the anchor key and a
    counter).
    """
    anchor_key = {label: keys[index] for label, index in anchor_of_label.items()}
    ids: dict[int, str] = {}
    carried: set[int] = set()
    taken: set[str] = set()
    if previous:
        votes: dict[int, Counter] = {}
        for key, label in zip(keys, labels.tolist()):
            old = previous.get(key)
            if old is not None and has_identifiable[label]:
                votes.setdefault(label, Counter())[old] += 1
        # a component prefers its own derived id when one of its records had it (merges then give
        # the same id as a rebuild from scratch), then the id most of its records had
        candidates = sorted(
            (old != customer_id_for(anchor_key[label]), -count, anchor_key[label], label, old)
            for label, counter in votes.items()
            for old, count in counter.items()
        )
        for _, _, _, label, old in candidates:
            if label in ids or old in taken:
                continue
            ids[label] = old
            taken.add(old)
            carried.add(label)
    for label in sorted((lb for lb in anchor_of_label if has_identifiable[lb] and lb not in ids), key=anchor_key.get):
        cid, n = customer_id_for(anchor_key[label]), 1
        while cid in taken:
            n += 1
            cid = customer_id_for(f"{anchor_key[label]}#{n}")
        ids[label] = cid
        taken.add(cid)
    return ids, carried


def assign_customers(records: pa.Table, links: pa.Table, previous: pa.Table | None = None) -> pa.Table:
    """One row per record with its customer.

    ``records`` columns: ``record_key``, ``is_identifiable`` (bool), ``first_seen_at`` (timestamp,
    may be null) and optionally the ``CONFLICT_KINDS``, ``OWN_IDENTIFIER_KINDS`` and profile columns (see
    ``component_labels`` and ``attach_by_profile``). ``links`` columns: ``record_key_a``,
    ``record_key_b`` and optionally ``is_name_only`` (weak link; null or absent means not weak) and
    ``match_weight`` (set on model links, which are conflict-checked; null on deterministic links).

    ``previous`` (optional; columns ``record_key``, ``customer_id``) is the last run's assignment:
    customers keep their ids across runs even when an older record joins them (see ``_customer_ids``).

    Returns ``record_key``, ``customer_id`` (null for anonymous components), ``anchor_record_key``
    (the component's earliest identifiable record), ``cluster_record_count``, ``is_anonymous`` and
    ``is_customer_id_carried``, sorted by record key.
    """
    records = records.sort_by("record_key")
    keys = records.column("record_key").to_pylist()
    previous_ids = None
    if previous is not None and previous.num_rows:
        previous_ids = {
            k: c
            for k, c in zip(previous.column("record_key").to_pylist(), previous.column("customer_id").to_pylist())
            if c is not None
        }
    weak = (
        links.column("is_name_only").cast(pa.bool_()).fill_null(False).to_pylist()
        if "is_name_only" in links.column_names
        else None
    )
    weights = checked = None
    if "match_weight" in links.column_names:
        weights = links.column("match_weight").cast(pa.float64()).to_numpy(zero_copy_only=False)
        checked = ~np.isnan(weights)  # model links
    present = [kind for kind in dict.fromkeys(CONFLICT_KINDS + OWN_IDENTIFIER_KINDS) if kind in records.column_names]
    identifiers = None
    if present:
        columns = {kind: records.column(kind).cast(pa.string()).to_pylist() for kind in present}
        identifiers = [{kind: columns[kind][i] for kind in present} for i in range(len(keys))]
    labels = component_labels(
        keys,
        links.column("record_key_a").to_pylist(),
        links.column("record_key_b").to_pylist(),
        weak,
        identifiers,
        checked,
        weights,
    )
    attached: dict[int, int] = {}
    attachment_rules: dict[int, str] = {}
    if all(c in records.column_names for c in PROFILE_ATTACHMENT_COLUMNS):
        labels, by_profile = attach_by_profile(labels, records)
        attached.update(by_profile)
        attachment_rules.update(dict.fromkeys(by_profile, PROFILE_ATTACHMENT_RULE))
    if all(c in records.column_names for c in NAMELESS_ATTACHMENT_COLUMNS):
        labels, by_email, email_rules = attach_nameless(
            labels,
            *(records.column(c).cast(pa.string()).to_pylist() for c in NAMELESS_ATTACHMENT_COLUMNS),
            identifiers,
        )
        attached.update(by_email)
        attachment_rules.update(email_rules)
    identifiable = np.asarray(records.column("is_identifiable").fill_null(False).to_numpy(zero_copy_only=False))
    seen = records.column("first_seen_at")
    # anchors: order records by (not identifiable, first_seen_at nulls last, record_key); the first
    # record of each component in that order is its anchor
    seen_missing = np.asarray(pc.is_null(seen).to_numpy(zero_copy_only=False))
    seen_value = np.asarray(
        pc.fill_null(pc.cast(seen, pa.int64()), 0).to_numpy(zero_copy_only=False), dtype=np.int64
    )
    position = np.arange(len(keys))  # records are sorted by key, so position orders by key
    order = np.lexsort((position, seen_value, seen_missing, ~identifiable, labels))
    first_of_component = np.ones(len(order), dtype=bool)
    first_of_component[1:] = labels[order][1:] != labels[order][:-1]
    anchor_of_label = {int(labels[i]): int(i) for i in order[first_of_component]}
    anchor_index = np.array([anchor_of_label[int(label)] for label in labels], dtype=np.int64)
    sizes = np.bincount(labels)
    has_identifiable = np.zeros(len(sizes), dtype=bool)
    np.logical_or.at(has_identifiable, labels, identifiable)
    is_anonymous = ~has_identifiable[labels]
    anchor_keys = [keys[i] for i in anchor_index]
    label_ids, carried = _customer_ids(labels, keys, anchor_of_label, has_identifiable, previous_ids)
    customer_ids = [label_ids.get(int(label)) for label in labels]
    is_carried = [int(label) in carried for label in labels]
    return pa.table(
        {
            "record_key": pa.array(keys, pa.string()),
            "customer_id": pa.array(customer_ids, pa.string()),
            "anchor_record_key": pa.array(
                [None if anon else a for a, anon in zip(anchor_keys, is_anonymous)], pa.string()
            ),
            "cluster_record_count": pa.array(sizes[labels], pa.int64()),
            "is_anonymous": pa.array(is_anonymous, pa.bool_()),
            "is_customer_id_carried": pa.array(
                [c and not anon for c, anon in zip(is_carried, is_anonymous)], pa.bool_()
            ),
            "attached_to_record_key": pa.array(
                [keys[attached[i]] if i in attached else None for i in range(len(keys))], pa.string()
            ),
            "attachment_rule": pa.array(
                [attachment_rules.get(i) for i in range(len(keys))], pa.string()
            ),
        }
    )


def cluster_records(records, *link_tables, previous=None) -> pa.Table:
    """Entry point of the dbt model: records and any number of link tables → customer per record;
    ``previous`` is the model's last output (record_key, customer_id), if any."""
    from .prepare import to_arrow_table

    records = to_arrow_table(records)
    records = records.select(
        ["record_key", "is_identifiable", "first_seen_at"]
        + [kind for kind in CONFLICT_KINDS if kind in records.column_names]
        + [
            c
            for c in dict.fromkeys(
                NAMELESS_ATTACHMENT_COLUMNS + PROFILE_ATTACHMENT_COLUMNS + (FIRST_NAME_VARIANTS_COLUMN,)
            )
            if c in records.column_names and c not in CONFLICT_KINDS
        ]
    )
    parts = []
    for table in link_tables:
        table = to_arrow_table(table)
        weak = (
            table.column("is_name_only").cast(pa.bool_())
            if "is_name_only" in table.column_names
            else pa.array([False] * table.num_rows, pa.bool_())
        )
        weight = (
            table.column("match_weight").cast(pa.float64())
            if "match_weight" in table.column_names
            else pa.array([None] * table.num_rows, pa.float64())
        )
        parts.append(
            pa.table(
                {
                    "record_key_a": table.column("record_key_a").cast(pa.string()),
                    "record_key_b": table.column("record_key_b").cast(pa.string()),
                    "is_name_only": weak,
                    "match_weight": weight,
                }
            )
        )
    links = pa.concat_tables(parts) if parts else pa.table(
        {
            "record_key_a": pa.array([], pa.string()),
            "record_key_b": pa.array([], pa.string()),
            "is_name_only": pa.array([], pa.bool_()),
            "match_weight": pa.array([], pa.float64()),
        }
    )
    previous = None if previous is None else to_arrow_table(previous).select(["record_key", "customer_id"])
    return assign_customers(records, links, previous)
