"""Survey analytics helpers: comment sentiment (VADER) for survey alerts."""
