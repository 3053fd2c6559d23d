"""State changes of the surveys app: each a do_* function, one transaction, with an audit record."""
