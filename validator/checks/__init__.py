"""The checks: the registry, then one module per family. `registry.load_all()` imports (and so
registers) them all; importing the package alone does not, so that the loader can import the
reading codes without the checks, which import the loader."""
