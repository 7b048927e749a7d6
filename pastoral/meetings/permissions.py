"""Meeting permission names, in the core's own namespace."""

VIEW = "pastoral.view_meetings"
RECORD = "pastoral.record_meetings"
# Child protection conferences, core groups and strategy meetings are safeguarding records: the DSL team only.
VIEW_CP = "pastoral.view_cp_meetings"
