"""Answers that cannot change while one request is served, read once per request.

A page made of many panels asks the same question several times (a school's terms and closures, most often);
`remember` keeps the first answer for the rest of the request. Outside a request (Celery tasks, commands,
tests calling services directly) nothing is kept, so code there always reads fresh rows. A write to the
rows behind a kept answer forgets it (see `forget` and the calendar's signal handlers), so a request that
changes the calendar and then reads it sees its own change.
"""

from contextvars import ContextVar

_store = ContextVar("pastoral_request_cache", default=None)


def begin():
    return _store.set({})


def end(token):
    _store.reset(token)


def active():
    """Whether a request is being served (answers are kept)."""
    return _store.get() is not None


def remember(key, compute):
    store = _store.get()
    if store is None:
        return compute()
    if key not in store:
        store[key] = compute()
    return store[key]


def peek(key):
    """The kept answer for `key`, or None."""
    store = _store.get()
    return store.get(key) if store else None


def forget(prefix):
    """Drop every kept answer whose key starts with `prefix` (keys are tuples; prefix is their first item)."""
    store = _store.get()
    if store:
        for key in [key for key in store if key[0] == prefix]:
            del store[key]
