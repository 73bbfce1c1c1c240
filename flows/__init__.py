"""pantau."""
