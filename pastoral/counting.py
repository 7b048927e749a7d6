"""Several counts in one round trip.

A dashboard panel often wants four or five "how many are overdue" figures from different tables; each `.count()`
is a query of its own. `counts(name=queryset, ...)` asks them all in one SELECT of scalar subqueries, each still
built from the caller's visible-to selector, so nothing about who may see what changes.
"""

from django.core.exceptions import EmptyResultSet
from django.db import connections


def counts(using="default", **querysets):
    """{name: how many rows `queryset` has} for every keyword, in one query."""
    if not querysets:
        return {}
    parts, params = [], []
    for index, queryset in enumerate(querysets.values()):
        # Ordering and selected columns change nothing in a count: drop them so each subquery is as plain as it can
        # be. A sliced queryset (a capped count: "50+") keeps its order, which decides nothing but must stay.
        if not queryset.query.is_sliced:
            queryset = queryset.order_by()
        sql, subquery_params = queryset.values("pk").query.sql_with_params()
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS counted_{index})")
        params.extend(subquery_params)
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        row = cursor.fetchone()
    return dict(zip(querysets, row, strict=True))


def exists(using="default", **querysets):
    """{name: whether `queryset` has any row} for every keyword, in one query."""
    if not querysets:
        return {}
    parts, params = [], []
    for queryset in querysets.values():
        try:
            sql, subquery_params = queryset.order_by().values("pk")[:1].query.sql_with_params()
        except EmptyResultSet:  # .none(), or a filter on an empty list: nothing to ask
            parts.append("FALSE")
            continue
        parts.append(f"EXISTS ({sql})")
        params.extend(subquery_params)
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        row = cursor.fetchone()
    return dict(zip(querysets, row, strict=True))
