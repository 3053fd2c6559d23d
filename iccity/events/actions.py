"""State changes of the events app: each a do_* function, one transaction, with an audit record."""
