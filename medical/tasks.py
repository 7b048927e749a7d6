"""Celery tasks for medical: take ids, reload, re-check access, call a service."""
