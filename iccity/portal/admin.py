"""Nothing to administer: the portal shows content owned and published by the domain apps."""
