"""Writes for medical: keyword-only `<entity>_<action>` functions, one transaction each, audited."""
