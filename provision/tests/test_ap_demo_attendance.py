"""The demo has an AP pupil whose register marks disagree with the placement's code, for the attendance
officer's cross-check page to show."""

import pytest
from django.urls import reverse

from pastoral.demo import seed_demo
from pastoral.models import User


@pytest.mark.django_db
def test_the_demo_shows_an_ap_pupil_with_mismatched_codes(client, as_user):
    seed_demo()
    as_user(User.objects.get(username="head.northfield"))
    page = client.get(reverse("pastoral:attendance_checks")).content.decode()
    assert "at alternative provision (" in page
