"""Writes for behaviour: keyword-only `<entity>_<action>` functions, one transaction each, audited."""
