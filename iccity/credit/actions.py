"""State changes of the credit app: each a do_* function, one transaction, with an audit record."""
