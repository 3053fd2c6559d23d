"""State changes of the evaluation app: each a do_* function, one transaction, with an audit record. One module per area."""
