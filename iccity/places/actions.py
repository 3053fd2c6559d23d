"""State changes of the places app: each a do_* function, one transaction, with an audit record."""
