"""Model backends behind small interfaces. transformers/torch are imported lazily, only here."""
