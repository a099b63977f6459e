"""InnoBridge core: store, capability extraction, search and ranking. Knows nothing of Flask."""
