"""Retention permission names, in the core's own namespace."""

# The data-protection lead's work: the headteacher by default.
MANAGE = "pastoral.manage_retention"
