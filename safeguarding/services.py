"""Writes for safeguarding: keyword-only `<entity>_<action>` functions, one transaction each, audited."""
