"""Paper-form permission names, in the core's own namespace.

Printing a form and entering one from paper need no permission of their own: whoever may create the record may
print its blank form and enter it (each kind names the create permission it reuses). The school's list of printed
sheets, with who printed and who entered each, is for the leads who run the paper fallback.
"""

VIEW_SHEETS = "pastoral.view_paper_sheets"
