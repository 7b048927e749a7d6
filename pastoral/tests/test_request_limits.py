"""Request bodies over the cap are refused unread; malformed query strings get a clear 400, never a 500."""

import pytest
from django.urls import reverse

from pastoral.models import ImportJob


class UnreadableBody:
    """A request body that fails the test if anything reads it."""

    def read(self, *args, **kwargs):
        raise AssertionError("the body was read")

    readline = read


def post_declaring(client, url, length, **extra):
    return client.generic(
        "POST",
        url,
        b"",
        content_type="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(length),
        **{"wsgi.input": UnreadableBody()},
        **extra,
    )


def test_it_refuses_a_body_over_the_cap_before_reading_it(school, pastoral_lead, as_user, settings):
    client = as_user(pastoral_lead)

    response = post_declaring(client, reverse("pastoral:pupil_import"), settings.REQUEST_MAX_BYTES + 1)

    assert response.status_code == 413
    assert "The upload is too large" in response.content.decode()
    assert ImportJob.objects.count() == 0


def test_it_refuses_an_oversized_body_from_anonymous_visitors_too(client, settings):
    response = post_declaring(client, reverse("accounts:login"), settings.REQUEST_MAX_BYTES + 1)

    assert response.status_code == 413


def test_it_refuses_a_chunked_body_without_a_length(school, pastoral_lead, as_user):
    client = as_user(pastoral_lead)

    response = client.generic(
        "POST",
        reverse("pastoral:pupil_import"),
        b"",
        content_type="multipart/form-data; boundary=xyz",
        HTTP_TRANSFER_ENCODING="chunked",
        **{"wsgi.input": UnreadableBody(), "CONTENT_LENGTH": ""},
    )

    assert response.status_code == 411
    assert ImportJob.objects.count() == 0


def test_it_lets_a_body_within_the_cap_through(school, pastoral_lead, as_user):
    response = as_user(pastoral_lead).post(reverse("pastoral:pupil_import"), {})

    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["Choose a CSV file to upload."]


def test_its_refusals_carry_the_security_headers_of_every_other_page(client, settings):
    too_large = post_declaring(client, reverse("accounts:login"), settings.REQUEST_MAX_BYTES + 1)
    nul_byte = client.get(reverse("accounts:login") + "?x=%00")

    assert (too_large.status_code, nul_byte.status_code) == (413, 400)
    for response in (too_large, nul_byte):
        assert "default-src 'self'" in response.headers["Content-Security-Policy"]
        assert "camera=()" in response.headers["Permissions-Policy"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"


# NUL bytes and other malformed filter values ------------------------------------------------------

FILTER_PAGES = [
    ("pastoral:audit_log", "headteacher", "action"),
    ("pastoral:pupil_list", "headteacher", "q"),
    ("pastoral:pupil_list", "headteacher", "form"),
    ("pastoral:pupil_search", "headteacher", "q"),
    ("pastoral:export_list", "dsl", "page"),
    ("pastoral:staff_list", "headteacher", "ended"),
    ("behaviour:event_list", "headteacher", "start"),
    ("behaviour:event_list", "headteacher", "category"),
    ("behaviour:rewards", "headteacher", "form"),
    ("behaviour:incident_list", "headteacher", "overdue"),
    ("behaviour:suspension_list", "headteacher", "term"),
    ("behaviour:intervention_list", "headteacher", "show"),
    ("behaviour:intervention_oversight", "headteacher", "start"),
    ("behaviour:bullying_patterns", "headteacher", "types"),
    ("behaviour:pupil_picker", "headteacher", "q"),
    ("behaviour:quick_log", "headteacher", "pupil"),
    ("safeguarding:concern_list", "dsl", "status"),
    ("safeguarding:pupil_picker", "dsl", "q"),
    ("safeguarding:concern_create", "dsl", "pupil"),
]


@pytest.mark.parametrize(("url_name", "persona", "param"), FILTER_PAGES)
def test_it_refuses_a_nul_byte_in_any_filter_with_a_clear_400(request, client, as_user, url_name, persona, param):
    as_user(request.getfixturevalue(persona))

    response = client.get(reverse(url_name), {param: "pastoral\x00"})

    assert response.status_code == 400
    assert "null byte" in response.content.decode()


def test_it_refuses_a_nul_byte_in_a_parameter_name(client, headteacher, as_user):
    as_user(headteacher)

    response = client.get(reverse("pastoral:audit_log") + "?act%00ion=x")

    assert response.status_code == 400


@pytest.mark.parametrize(
    ("url_name", "persona", "params"),
    [
        ("behaviour:event_list", "headteacher", {"start": "2026-02-31", "end": "yesterday", "category": "nope"}),
        ("behaviour:intervention_oversight", "headteacher", {"start": "31/31/2026"}),
        ("behaviour:suspension_list", "headteacher", {"term": "not-a-number"}),
        ("pastoral:pupil_list", "headteacher", {"year_group": "x", "q": "a" * 5000, "page": "-1"}),
        ("pastoral:audit_log", "headteacher", {"page": "last", "action": "a" * 5000}),
        ("behaviour:quick_log", "headteacher", {"pupil": "not-a-uuid"}),
        ("safeguarding:concern_create", "dsl", {"pupil": "not-a-uuid"}),
        ("safeguarding:concern_list", "dsl", {"status": "a" * 5000}),
    ],
)
def test_it_never_fails_on_malformed_filter_values(request, client, as_user, url_name, persona, params):
    as_user(request.getfixturevalue(persona))

    response = client.get(reverse(url_name), params)

    assert response.status_code in (200, 400, 404)
