"""Nothing to administer: desks follow the roles (orgs.RoleAssignment, edited in the orgs admin)."""
