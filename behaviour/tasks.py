"""Celery tasks for behaviour: take ids, reload, re-check access, call a service."""
