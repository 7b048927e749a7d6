"""Subject access request permission names, in the core's own namespace."""

# The data-protection lead's work: the headteacher by default (a school can give it to another role once roles
# are adjustable per school).
MANAGE = "pastoral.manage_sar"
