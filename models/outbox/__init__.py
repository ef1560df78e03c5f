"""Messages queued in the same transaction as the change that causes them."""
