"""customer360: the Python half of the customer360 dbt project (data generation, matching, evaluation)."""

__version__ = "0.1.0"
