"""Links to other datasets: reference data, reviewed link sets and their graphs (see docs/design.md)."""
