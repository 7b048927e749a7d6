"""Subject access request permission names, in the core's own namespace."""

# The data-protection lead's work: the headteacher by default (a school can give it to another role once roles
# are adjustable per school).
MANAGE = "pastoral.manage_sar"
# The DSL team's review of a pack's safeguarding items before it is released (KCSIE: the DSL decides what of a
# child-protection record is shared).
REVIEW_SAFEGUARDING = "pastoral.review_sar_safeguarding"
