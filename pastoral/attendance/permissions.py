"""Attendance's permission names (a module of their own so every attendance module can import them)."""

VIEW = "pastoral.view_attendance"
IMPORT = "pastoral.import_attendance"
MANAGE = "pastoral.manage_attendance"
