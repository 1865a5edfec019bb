"""Re-run the household SQL (compiled from the build, optionally modified) on a prebuilt matrix DB; score."""
import sys; sys.path.insert(0, "benchmarks/household_misses")
from cat import *

R1 = """
surname_households as (
    select last_name, min(household_id) as household_id
    from household_surnames
    group by last_name
    having count(distinct household_id) = 1
),

surname_only_candidates as (
    select distinct unaddressed_keys.customer_id, surname_households.household_id,
        'surname' as household_basis, 3 as basis_rank
    from unaddressed_keys
    inner join surname_households on unaddressed_keys.last_name = surname_households.last_name
    where unaddressed_keys.customer_id not in (select customer_id from unaddressed_keys where postal_code is not null)
),

fallback_choices as ("""

def _main():
    v = sys.argv[2]
    for d in sys.argv[1].split(","):
        base = run(d)
        new = run(d, variant(v))
        b, n = base[0], new[0]
        print(f"{d:18s} base P {b[0]:.4f} R {b[1]:.4f} F1 {b[2]:.4f} | {v} P {n[0]:.4f} R {n[1]:.4f} F1 {n[2]:.4f} "
              f"(FN {b[5]}->{n[5]}, FP {b[4]}->{n[4]}) | perfect persons F1 {base[1][2]:.4f} -> {new[1][2]:.4f}")

def _surname_block(s):
    a = s.index("household_surnames as (")
    b = s.index("fallback_choices as (")
    return s[:a], s[b:]

R2A = """customer_surnames as (
    select distinct customer_id, last_name
    from customer_keys
    where last_name is not null
),

customer_postcodes as (
    select distinct customer_id, postal_code, country_code
    from customer_keys
    where postal_code is not null
),

household_surnames as (
    select distinct
        addressed_customers.household_id,
        addressed_customers.postal_code,
        addressed_customers.country_code,
        customer_surnames.last_name
    from addressed_customers
    inner join customer_surnames
        on addressed_customers.customer_id = customer_surnames.customer_id
    __EXTRA__
),

surname_candidates as (
    select distinct
        customer_surnames.customer_id,
        household_surnames.household_id,
        'surname_and_postal_code' as household_basis,
        2 as basis_rank
    from customer_surnames
    inner join customer_postcodes
        on customer_surnames.customer_id = customer_postcodes.customer_id
    inner join household_surnames
        on
            customer_surnames.last_name = household_surnames.last_name
            and customer_postcodes.postal_code = household_surnames.postal_code
            and customer_postcodes.country_code is not distinct from household_surnames.country_code
    anti join addressed_customers as own_addresses
        on customer_surnames.customer_id = own_addresses.customer_id
),

"""
EXTRA_HISTORY = """union
    select distinct
        addressed_customers.household_id,
        customer_postcodes.postal_code,
        customer_postcodes.country_code,
        customer_surnames.last_name
    from addressed_customers
    inner join customer_surnames
        on addressed_customers.customer_id = customer_surnames.customer_id
    inner join customer_postcodes
        on addressed_customers.customer_id = customer_postcodes.customer_id"""

R2C_EXTRA = """household_history_surnames as (
    -- the postcodes any member was recorded at (before a move too)
    select distinct
        addressed_customers.household_id,
        customer_postcodes.postal_code,
        customer_postcodes.country_code,
        customer_surnames.last_name
    from addressed_customers
    inner join customer_surnames
        on addressed_customers.customer_id = customer_surnames.customer_id
    inner join customer_postcodes
        on addressed_customers.customer_id = customer_postcodes.customer_id
),

history_surname_candidates as (
    select distinct
        customer_surnames.customer_id,
        household_history_surnames.household_id,
        'surname_and_earlier_postal_code' as household_basis,
        3 as basis_rank
    from customer_surnames
    inner join customer_postcodes
        on customer_surnames.customer_id = customer_postcodes.customer_id
    inner join household_history_surnames
        on
            customer_surnames.last_name = household_history_surnames.last_name
            and customer_postcodes.postal_code = household_history_surnames.postal_code
            and customer_postcodes.country_code is not distinct from household_history_surnames.country_code
    anti join addressed_customers as own_addresses
        on customer_surnames.customer_id = own_addresses.customer_id
),

"""


def _also_union(sql, cte):
    """``sql`` with ``cte``'s rows added to the surname candidates."""
    return sql.replace(
        "        select * from surname_candidates\n",
        f"        select * from surname_candidates\n        union all\n        select * from {cte}\n", 1,
    )


def variant(name):
    """The household SQL of a data set under variant ``name``: r1 surname alone (rejected), r2a any surname
    with any postcode, r2b r2a plus earlier postcodes at the same rank, r2c earlier postcodes after current
    ones (taken, DECISIONS §54), new the compiled SQL in HH_NEW_SQL; a variant edits the build's own
    compiled SQL, so r1-r2c apply to a build from before §54."""
    if name not in ("r1", "r2a", "r2b", "r2c", "new"):
        raise SystemExit(f"unknown variant {name!r}: r1, r2a, r2b, r2c or new")

    def f(d):
        if name == "new":
            return open(os.environ["HH_NEW_SQL"]).read()
        s = compiled_sql(d)
        if name == "r1":
            return _also_union(s.replace("fallback_choices as (", R1, 1), "surname_only_candidates")
        head, tail = _surname_block(s)
        if name == "r2c":
            return _also_union(head + R2A.replace("__EXTRA__", "") + R2C_EXTRA + tail, "history_surname_candidates")
        return head + R2A.replace("__EXTRA__", EXTRA_HISTORY if name == "r2b" else "") + tail
    return f


if __name__ == "__main__":
    _main()
