"""Privacy: the PII salt given to DuckDB connections, and the check of the published BI file."""
