"""Customer lifetime value per buyer: BG/NBD (purchase frequency and dropout) and Gamma-Gamma (spend)
fitted by maximum likelihood on int_customer__purchase_summary. The models live in the library
(customer360.clv, tested with pytest); this model only hands the data over. Horizon and discount rate
come from the vars lifecycle_clv_horizon_months and lifecycle_clv_annual_discount_rate (model config)."""

from customer360 import clv
from customer360.frames import to_arrow, to_model_result


def model(dbt, session):
    dbt.config(materialized="table")
    summary = to_arrow(dbt.ref("int_customer__purchase_summary"))
    return to_model_result(
        clv.estimate_customer_value(
            summary,
            horizon_months=int(dbt.config.get("clv_horizon_months")),
            annual_discount_rate=float(dbt.config.get("clv_annual_discount_rate")),
        ),
        session,
    )
