"""State changes of the consumption app: each a do_* function, one transaction, with an audit record. One module per area."""
