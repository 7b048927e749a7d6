"""Celery tasks for provision: take ids, reload, re-check access, call a service."""
