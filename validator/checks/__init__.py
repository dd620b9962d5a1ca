"""The checks: the registry, then one module per family. Importing this package registers them all."""

import validator.checks.links  # noqa: F401
from validator.checks import constraints, duplicates, metrics, reading, references, review, schema  # noqa: F401
