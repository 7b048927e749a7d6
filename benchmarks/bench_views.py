"""The yardstick for the trust-scale benchmark: the cheapest page Django can serve with one indexed query."""

import time

from django.db import connection
from django.http import HttpResponse

from pastoral.models import School


def minimal(request):
    found = School.objects.filter(pk=1).exists()
    return HttpResponse(f"<!doctype html><title>ok</title><p>{found}</p>")


class QueryCountMiddleware:
    """X-Bench-Queries and X-Bench-Server-Ms on every response: the page's SQL statements and its time in Django."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = 0

        def counter(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        started = time.perf_counter()
        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        response["X-Bench-Queries"] = str(count)
        response["X-Bench-Server-Ms"] = f"{(time.perf_counter() - started) * 1000:.1f}"
        return response
