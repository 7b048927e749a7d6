"""Writes for provision: keyword-only `<entity>_<action>` functions, one transaction each, audited."""
