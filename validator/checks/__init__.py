"""The checks: the registry, then one module per family."""
