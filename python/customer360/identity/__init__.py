"""Identity resolution: deterministic rules live in dbt SQL; this package holds the probabilistic
matching (Splink), the clustering of links into customers and the persistent customer ids."""
