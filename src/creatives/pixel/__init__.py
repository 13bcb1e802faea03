"""First-party tracking pixel and event collector."""
