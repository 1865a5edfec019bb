"""Customer lifetime value: BG/NBD for how often a customer buys and whether they are still around,
Gamma-Gamma for how much they spend, fitted by maximum likelihood (scipy.optimize).

The models (Fader, Hardie & Lee):

- **BG/NBD** ("Counting your customers the easy way", Marketing Science 24(2), 2005). While alive, a
  customer buys at Poisson rate ``lambda ~ Gamma(shape r, rate alpha)``; after every repeat purchase
  they drop out for good with probability ``p ~ Beta(a, b)``. Per customer the data are
  ``frequency`` x (repeat purchases: purchase periods after the first), ``recency`` t_x (time from the
  first to the last purchase) and ``T`` (time from the first purchase to the end of observation).
- **Gamma-Gamma** ("RFM and CLV: using iso-value curves for customer base analysis", Journal of
  Marketing Research 42(4), 2005). A transaction's value is ``Gamma(shape p, rate nu)`` with
  ``nu ~ Gamma(shape q, rate v)`` per customer, independent of the purchase process. Fitted on
  customers with at least one repeat purchase: x and the mean value of their repeat purchases.

Every formula is written out from the papers; this module is the project's own implementation (the
``lifetimes`` package implements the same models but is unmaintained and would add pandas, autograd
and dill). Times are in whatever unit the caller uses consistently (``estimate_customer_value``
uses weeks). ``python/tests/test_clv.py`` checks the likelihoods against numerical integration and
recovers known parameters from simulated customers.

**Same input, same output.** DuckDB hands the purchase summary over in no fixed order, and floating
point sums depend on the order of their terms; on a flat likelihood (a fit at a search bound) a last-bit
difference in the objective moves the optimum enough to change CLVs by cents. So both fits work on the
sorted distinct rows with their counts and start from exact (``math.fsum``) means, and
``estimate_customer_value`` sorts its rows by customer id: the estimates depend only on the set of
customers, never on their order.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
import pyarrow as pa
from scipy.optimize import minimize
from scipy.special import betaln, gammaln, hyp2f1

DAYS_PER_WEEK = 7.0
DAYS_PER_MONTH = 365.25 / 12


@dataclass(frozen=True)
class BetaGeoParams:
    """BG/NBD parameters: purchase rate ~ Gamma(r, alpha), dropout probability ~ Beta(a, b)."""

    r: float
    alpha: float
    a: float
    b: float


@dataclass(frozen=True)
class GammaGammaParams:
    """Gamma-Gamma parameters: value ~ Gamma(p, nu), nu ~ Gamma(q, v)."""

    p: float
    q: float
    v: float


def _arrays(*values):
    return [np.asarray(value, dtype=float) for value in values]


def _weighted_sum(counts, values) -> float:
    """sum(counts * values) by numpy's own pairwise summation, not BLAS: np.dot hands a long vector to
    OpenBLAS, which splits it over one thread per core (so the sum, and with it the fitted parameters,
    depended on the machine's core count) and, on a loaded machine, waited for those threads (8.9 ms a
    call against 0.1 ms at 19,231 rows, load 11)."""
    return float(np.sum(counts * values))


# --------------------------------------------------------------------------------------------------
# BG/NBD
# --------------------------------------------------------------------------------------------------


def _bgnbd_dropout_log_ratio(params: BetaGeoParams, x, t_x, T):
    """log of (a / (b + x - 1)) * ((alpha + T) / (alpha + t_x)) ** (r + x) for x > 0, -inf for x = 0.

    The ratio of the 'dropped out after the last purchase' to the 'still alive' likelihood term; it
    appears in the likelihood, P(alive) and the conditional expectation.
    """
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    repeat = x > 0
    x_safe = np.where(repeat, x, 1.0)
    log_ratio = (
        np.log(a)
        - np.log(b + x_safe - 1.0)
        + (r + x_safe) * (np.log(alpha + T) - np.log(alpha + t_x))
    )
    return np.where(repeat, log_ratio, -np.inf)


def bgnbd_log_likelihood(params: BetaGeoParams, frequency, recency, T) -> np.ndarray:
    """Log-likelihood of each customer's (x, t_x, T) under BG/NBD (FHL 2005, equation 6).

    L = B(a, b+x)/B(a, b) * G(r+x) alpha^r / (G(r) (alpha+T)^(r+x))
        + [x > 0] B(a+1, b+x-1)/B(a, b) * G(r+x) alpha^r / (G(r) (alpha+t_x)^(r+x))
    """
    x, t_x, T = _arrays(frequency, recency, T)
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    common = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    alive = betaln(a, b + x) - betaln(a, b) - (r + x) * np.log(alpha + T)
    # the dropout term relative to the alive term
    return common + alive + np.logaddexp(0.0, _bgnbd_dropout_log_ratio(params, x, t_x, T))


def bgnbd_probability_alive(params: BetaGeoParams, frequency, recency, T) -> np.ndarray:
    """P(customer still alive at T | x, t_x, T) (FHL 2005, equation 13); 1 when x = 0."""
    x, t_x, T = _arrays(frequency, recency, T)
    return np.exp(-np.logaddexp(0.0, _bgnbd_dropout_log_ratio(params, x, t_x, T)))


def bgnbd_expected_purchases(params: BetaGeoParams, t, frequency, recency, T) -> np.ndarray:
    """Expected number of purchases in (T, T + t] given (x, t_x, T) (FHL 2005, equation 10).

    E[Y(t)] = (a+b+x-1)/(a-1) * [1 - ((alpha+T)/(alpha+T+t))^(r+x) 2F1(r+x, b+x; a+b+x-1; t/(alpha+T+t))]
              / (1 + [x > 0] a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x))
    """
    x, t_x, T, t = _arrays(frequency, recency, T, t)
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    z = t / (alpha + T + t)
    decay = np.exp((r + x) * (np.log(alpha + T) - np.log(alpha + T + t)))
    numerator = (a + b + x - 1.0) / (a - 1.0) * (1.0 - decay * hyp2f1(r + x, b + x, a + b + x - 1.0, z))
    return numerator * bgnbd_probability_alive(params, x, t_x, T)


def fit_bgnbd(frequency, recency, T, *, initial: BetaGeoParams | None = None) -> BetaGeoParams:
    """Maximum-likelihood BG/NBD parameters (Nelder-Mead then L-BFGS-B on log parameters)."""
    x, t_x, T = _arrays(frequency, recency, T)
    if len(x) == 0:
        raise ValueError("no customers to fit")
    if np.any(x < 0) or np.any(t_x < 0) or np.any(t_x > T + 1e-9) or np.any((x == 0) & (t_x != 0)):
        raise ValueError("need 0 <= recency <= T, and recency 0 when frequency is 0")
    # identical (x, t_x, T) rows share a likelihood: fit on the distinct rows with counts
    rows, counts = np.unique(np.column_stack([x, t_x, T]), axis=0, return_counts=True)
    ux, ut_x, uT = rows[:, 0], rows[:, 1], rows[:, 2]
    total = counts.sum()

    def negative_mean_log_likelihood(log_params):
        params = BetaGeoParams(*np.exp(log_params))
        value = -_weighted_sum(counts, bgnbd_log_likelihood(params, ux, ut_x, uT)) / total
        return value if np.isfinite(value) else 1e300

    mean_T = math.fsum(T) / len(T)  # exact, so the start does not depend on the row order
    start = initial or BetaGeoParams(r=1.0, alpha=max(mean_T, 1e-3), a=1.0, b=1.0)
    return BetaGeoParams(*np.exp(_minimize(negative_mean_log_likelihood, np.log(list(asdict(start).values())))))


def simulate_bgnbd(params: BetaGeoParams, T, rng: np.random.Generator):
    """Simulate customers first seen (first purchase) at time 0 and observed until T.

    Returns (frequency, recency, T, alive_at_T, purchase_times) with purchase_times a list of arrays of
    the repeat purchase times of each customer (useful for hold-out checks).
    """
    T = np.asarray(T, dtype=float)
    n = len(T)
    rates = rng.gamma(shape=params.r, scale=1.0 / params.alpha, size=n)
    dropouts = rng.beta(params.a, params.b, size=n)
    frequency = np.zeros(n)
    recency = np.zeros(n)
    alive = np.ones(n, dtype=bool)
    purchase_times = []
    for i in range(n):
        times = []
        t = 0.0
        while True:
            t += rng.exponential(1.0 / rates[i])
            if t > T[i]:
                break
            times.append(t)
            if rng.random() < dropouts[i]:
                alive[i] = False
                break
        purchase_times.append(np.asarray(times))
        frequency[i] = len(times)
        recency[i] = times[-1] if times else 0.0
    return frequency, recency, T, alive, purchase_times


# --------------------------------------------------------------------------------------------------
# Gamma-Gamma
# --------------------------------------------------------------------------------------------------


def gamma_gamma_log_likelihood(params: GammaGammaParams, frequency, monetary_value) -> np.ndarray:
    """Log density of each customer's mean repeat-purchase value m given x > 0 repeat purchases.

    f(m | p, q, v, x) = G(px+q) / (G(px) G(q)) * v^q m^(px-1) x^(px) / (v + m x)^(px+q)
    """
    x, m = _arrays(frequency, monetary_value)
    p, q, v = params.p, params.q, params.v
    px = p * x
    return (
        gammaln(px + q)
        - gammaln(px)
        - gammaln(q)
        + q * np.log(v)
        + (px - 1.0) * np.log(m)
        + px * np.log(x)
        - (px + q) * np.log(v + m * x)
    )


class _GammaGammaTerms:
    """``gamma_gamma_log_likelihood`` for fixed data, evaluated many times by the fit: the terms that do not
    depend on the parameters are computed once, and the log-gamma terms once per distinct x (repeat counts
    are small integers, mean values nearly all distinct). The same operations on the same numbers in the same
    order, so every value is bit for bit the one ``gamma_gamma_log_likelihood`` gives."""

    def __init__(self, frequency, monetary_value):
        self.x, self.m = _arrays(frequency, monetary_value)
        self.distinct_x, self.position = np.unique(self.x, return_inverse=True)
        self.log_m = np.log(self.m)
        self.log_x = np.log(self.x)

    def log_likelihood(self, params: GammaGammaParams) -> np.ndarray:
        p, q, v = params.p, params.q, params.v
        px = p * self.x
        distinct_px = p * self.distinct_x
        return (
            gammaln(distinct_px + q)[self.position]
            - gammaln(distinct_px)[self.position]
            - gammaln(q)
            + q * np.log(v)
            + (px - 1.0) * self.log_m
            + px * self.log_x
            - (px + q) * np.log(v + self.m * self.x)
        )


def gamma_gamma_expected_value(params: GammaGammaParams, frequency, monetary_value) -> np.ndarray:
    """E[mean transaction value | x, m]: a weighted mean of the population mean p v / (q - 1) and the
    customer's own mean m (FHL 2005b, equation 5); the population mean when x = 0."""
    x, m = _arrays(frequency, monetary_value)
    p, q, v = params.p, params.q, params.v
    m = np.where(x > 0, m, 0.0)
    return p * (v + x * m) / (p * x + q - 1.0)


def fit_gamma_gamma(frequency, monetary_value, *, initial: GammaGammaParams | None = None) -> GammaGammaParams:
    """Maximum-likelihood Gamma-Gamma parameters on customers with x > 0 and m > 0."""
    x, m = _arrays(frequency, monetary_value)
    keep = (x > 0) & (m > 0)
    x, m = x[keep], m[keep]
    if len(x) == 0:
        raise ValueError("no repeat customers with a positive mean value to fit")

    # the model is scale-equivariant (values / c gives v / c): fit on values in units of their mean
    # (an exact mean, so the scale does not depend on the row order)
    scale = math.fsum(m) / len(m)
    # identical (x, m) rows share a likelihood: fit on the sorted distinct rows with counts, so the sum
    # is taken in one order whatever order the customers came in
    rows, counts = np.unique(np.column_stack([x, m]), axis=0, return_counts=True)
    ux, um_scaled = rows[:, 0], rows[:, 1] / scale
    total = counts.sum()
    terms = _GammaGammaTerms(ux, um_scaled)

    def negative_mean_log_likelihood(log_params):
        params = GammaGammaParams(*np.exp(log_params))
        value = -_weighted_sum(counts, terms.log_likelihood(params)) / total
        return value if np.isfinite(value) else 1e300

    if initial is None:
        start = GammaGammaParams(p=1.0, q=2.0, v=1.0)
    else:
        start = GammaGammaParams(p=initial.p, q=initial.q, v=initial.v / scale)
    p, q, v = np.exp(_minimize(negative_mean_log_likelihood, np.log(list(asdict(start).values()))))
    return GammaGammaParams(p=p, q=q, v=v * scale)


def simulate_gamma_gamma(params: GammaGammaParams, frequency, rng: np.random.Generator) -> np.ndarray:
    """Mean value of x simulated transactions per customer (nan where x = 0)."""
    x = np.asarray(frequency, dtype=int)
    nu = rng.gamma(shape=params.q, scale=1.0 / params.v, size=len(x))
    means = np.full(len(x), np.nan)
    for i, count in enumerate(x):
        if count > 0:
            means[i] = rng.gamma(shape=params.p, scale=1.0 / nu[i], size=count).mean()
    return means


# --------------------------------------------------------------------------------------------------
# Fitting helper and customer lifetime value
# --------------------------------------------------------------------------------------------------


LOG_PARAMETER_BOUND = 15.0  # parameters are fitted on the log scale within exp(+-15), about 3e-7 to 3e6
# Nelder-Mead's likelihood evaluations per parameter (DECISIONS §86): on a flat ridge it crept along for 8,617
# evaluations on a 1M build's buyers (the fit 14.6 s; 109 s at 10M) for a mean log-likelihood 1e-5 better;
# at 100 per parameter every published estimate was the same to the cent on seven data sets
NELDER_MEAD_EVALUATIONS = 100


def _minimize(objective, start):
    """L-BFGS-B from the start, a short Nelder-Mead from there (it gets out of flat stretches where the
    numerical gradient stalls; at most NELDER_MEAD_EVALUATIONS likelihoods per parameter), and L-BFGS-B
    again to polish; all on log parameters within
    +-LOG_PARAMETER_BOUND. A parameter at the bound means the data favour a limiting case (e.g. no
    dropout, or no spend heterogeneity between customers); the likelihood is then flat along a ridge
    and the predictions hardly depend on where on it the search stops."""
    bounds = [(-LOG_PARAMETER_BOUND, LOG_PARAMETER_BOUND)] * len(start)
    best = minimize(objective, np.clip(start, -LOG_PARAMETER_BOUND, LOG_PARAMETER_BOUND), method="L-BFGS-B", bounds=bounds)
    simplex = minimize(
        objective,
        best.x,
        method="Nelder-Mead",
        bounds=bounds,
        # an iteration costs at least one evaluation, so maxfev alone bounds the iterations too (scipy then
        # sets no iteration limit of its own)
        options={
            "maxfev": NELDER_MEAD_EVALUATIONS * len(start),
            "xatol": 1e-6,
            "fatol": 1e-10,
        },
    )
    polished = minimize(objective, simplex.x, method="L-BFGS-B", bounds=bounds)
    best = min((best, simplex, polished), key=lambda result: result.fun)
    if not np.isfinite(best.fun) or best.fun >= 1e299:
        raise RuntimeError("likelihood maximisation failed")
    return best.x


def customer_lifetime_value(
    bg: BetaGeoParams,
    gg: GammaGammaParams,
    frequency,
    recency,
    T,
    monetary_value,
    *,
    horizon_periods: int,
    period_length: float,
    discount_rate_per_period: float,
) -> np.ndarray:
    """Discounted expected value of the next `horizon_periods` periods (each `period_length` time units):
    sum over periods i of E[purchases in period i] * E[value per purchase] / (1 + d)^i."""
    x, t_x, T, m = _arrays(frequency, recency, T, monetary_value)
    value_per_purchase = gamma_gamma_expected_value(gg, x, m)
    total = np.zeros(len(x))
    previous = np.zeros(len(x))
    for period in range(1, horizon_periods + 1):
        cumulative = bgnbd_expected_purchases(bg, period * period_length, x, t_x, T)
        total += (cumulative - previous) * value_per_purchase / (1.0 + discount_rate_per_period) ** period
        previous = cumulative
    return total


MIN_CUSTOMERS_BGNBD = 50
MIN_CUSTOMERS_GAMMA_GAMMA = 20


def estimate_customer_value(
    summary: pa.Table,
    *,
    horizon_months: int = 12,
    annual_discount_rate: float = 0.10,
) -> pa.Table:
    """Per-customer CLV from a purchase summary (the dbt model int_customer__clv).

    `summary` columns: customer_id, repeat_purchase_count (x: purchase days after the first),
    recency_days (first to last purchase day), tenure_days (first purchase day to the as-of date),
    average_repeat_purchase_usd (mean value of the repeat purchase days; null when x = 0).
    Only customers with a purchase are scored; rows come back sorted by customer id, and the
    estimates do not depend on the order of the input rows. Money is rounded to the cent (as
    published). Fitting is done in weeks. When there are too few
    customers to fit (fewer than 50 buyers, or 20 repeat buyers with positive spend) or a fit fails,
    the estimates are null and `clv_model_status` says why.
    """
    summary = summary.sort_by("customer_id")  # one order, whatever order DuckDB handed over
    customer_id = summary.column("customer_id").to_pylist()
    x = np.asarray(summary.column("repeat_purchase_count").to_numpy(zero_copy_only=False), dtype=float)
    recency = np.asarray(summary.column("recency_days").to_numpy(zero_copy_only=False), dtype=float) / DAYS_PER_WEEK
    tenure = np.asarray(summary.column("tenure_days").to_numpy(zero_copy_only=False), dtype=float) / DAYS_PER_WEEK
    monetary = summary.column("average_repeat_purchase_usd").to_numpy(zero_copy_only=False)
    monetary = np.asarray([np.nan if value is None else float(value) for value in monetary], dtype=float)
    n = len(customer_id)

    status = "fitted"
    bg = gg = None
    if n < MIN_CUSTOMERS_BGNBD:
        status = f"too few buyers to fit ({n} < {MIN_CUSTOMERS_BGNBD})"
    elif int(np.sum((x > 0) & (monetary > 0))) < MIN_CUSTOMERS_GAMMA_GAMMA:
        status = f"too few repeat buyers to fit (< {MIN_CUSTOMERS_GAMMA_GAMMA})"
    else:
        try:
            bg = fit_bgnbd(x, recency, tenure)
            gg = fit_gamma_gamma(x, np.nan_to_num(monetary))
        except (RuntimeError, ValueError) as error:
            status = f"fit failed: {error}"
            bg = gg = None
        if gg is not None and gg.q <= 1.0:
            status = "fit failed: Gamma-Gamma q <= 1 (mean spend undefined)"
            bg = gg = None
        if bg is not None:
            at_bound = [
                name
                for name, value in {**asdict(bg), **{f"gamma_gamma_{k}": v for k, v in asdict(gg).items()}}.items()
                if abs(abs(np.log(value)) - LOG_PARAMETER_BOUND) < 1e-3
            ]
            if at_bound:
                # a limiting case: e.g. a at its lower bound means no dropout is seen in the data
                status = "fitted; at the search bound: " + ", ".join(at_bound)

    if bg is None:
        empty = pa.array([None] * n, type=pa.float64())
        columns = {
            "customer_id": pa.array(customer_id, type=pa.string()),
            "probability_alive": empty,
            "expected_purchase_count": empty,
            "expected_average_purchase_usd": empty,
            "clv_usd": empty,
        }
        params = dict.fromkeys(["bgnbd_r", "bgnbd_alpha", "bgnbd_a", "bgnbd_b", "gamma_gamma_p", "gamma_gamma_q", "gamma_gamma_v"])
    else:
        horizon_weeks = horizon_months * DAYS_PER_MONTH / DAYS_PER_WEEK
        monthly_discount = (1.0 + annual_discount_rate) ** (1.0 / 12.0) - 1.0
        monetary_filled = np.nan_to_num(monetary)
        columns = {
            "customer_id": pa.array(customer_id, type=pa.string()),
            "probability_alive": pa.array(bgnbd_probability_alive(bg, x, recency, tenure)),
            "expected_purchase_count": pa.array(bgnbd_expected_purchases(bg, horizon_weeks, x, recency, tenure)),
            "expected_average_purchase_usd": pa.array(
                np.round(gamma_gamma_expected_value(gg, x, monetary_filled), 2)
            ),
            "clv_usd": pa.array(
                np.round(customer_lifetime_value(
                    bg,
                    gg,
                    x,
                    recency,
                    tenure,
                    monetary_filled,
                    horizon_periods=horizon_months,
                    period_length=DAYS_PER_MONTH / DAYS_PER_WEEK,
                    discount_rate_per_period=monthly_discount,
                ), 2)
            ),
        }
        params = {
            "bgnbd_r": bg.r,
            "bgnbd_alpha": bg.alpha,
            "bgnbd_a": bg.a,
            "bgnbd_b": bg.b,
            "gamma_gamma_p": gg.p,
            "gamma_gamma_q": gg.q,
            "gamma_gamma_v": gg.v,
        }
    columns["clv_model_status"] = pa.array([status] * n, type=pa.string())
    for name, value in params.items():
        columns[name] = pa.array([value] * n, type=pa.float64())
    return pa.table(columns)
