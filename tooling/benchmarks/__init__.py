"""bench_queries: time the reads users run (selectors, API views, admin pages)."""
