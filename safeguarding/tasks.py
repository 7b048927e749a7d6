"""Celery tasks for safeguarding: take ids, reload, re-check access, call a service."""
