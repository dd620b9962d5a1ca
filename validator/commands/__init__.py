"""One module per `pwc` command: each a function from parsed arguments to an exit code."""
