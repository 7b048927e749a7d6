"""Overdue reviews in the weekly trend email and the digest; social story pictures checked by content."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from pastoral.files import digest, weekly_trend
from provision.plans.kinds import Kind
from provision.plans.models import StoryImage, SupportPlan

from .factories import make_active, make_plan


def _overdue(author, pupil):
    plan = make_active(author, pupil)
    SupportPlan.objects.filter(pk=plan.pk).update(review_date=timezone.localdate() - datetime.timedelta(days=2))
    return plan


def test_the_weekly_trend_email_counts_overdue_reviews(pastoral_lead, school, pupil):
    _overdue(pastoral_lead, pupil)

    trend = weekly_trend.build(pastoral_lead, school)

    assert (
        "Support plans: reviews overdue",
        1,
        reverse("provision:plan_list") + "?review=overdue",
    ) in trend.outstanding


def test_the_digest_counts_overdue_reviews_for_writers_only(pastoral_lead, teacher, school, pupil):
    _overdue(pastoral_lead, pupil)
    today = timezone.localdate()

    lines = {line.label: line.count for line in digest.lines_for(school, pastoral_lead, today)}

    assert lines["Support plan reviews overdue"] == 1
    assert "Support plan reviews overdue" not in {line.label for line in digest.lines_for(school, teacher, today)}


def _png():
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    return SimpleUploadedFile("anything.txt", buffer.getvalue(), content_type="text/plain")


def test_a_social_story_page_keeps_a_picture_checked_by_content(
    client, as_user, pastoral_lead, other_school_dsl, pupil
):
    plan = make_plan(pastoral_lead, pupil, Kind.SOCIAL_STORY, content={})
    as_user(pastoral_lead)
    data = {
        "title": "Fire drills",
        "review_date": plan.review_date.isoformat(),
        "situation": "Fire drills",
        "pages-TOTAL_FORMS": "2",
        "pages-INITIAL_FORMS": "0",
        "pages-0-text": "Sometimes a loud bell rings.",
        "pages-0-image": _png(),
        "pages-1-text": "",
    }

    response = client.post(reverse("provision:plan_edit", args=[plan.code]), data)

    assert response.status_code == 302
    plan.refresh_from_db()
    image = StoryImage.objects.get(plan=plan)
    assert plan.content["pages"] == [{"text": "Sometimes a loud bell rings.", "image": str(image.code)}]
    picture = client.get(reverse("provision:story_image", args=[plan.code, image.code]))
    assert picture.status_code == 200
    assert picture["Content-Type"] == "image/png"
    as_user(other_school_dsl)
    assert client.get(reverse("provision:story_image", args=[plan.code, image.code])).status_code == 404


def test_a_social_story_refuses_a_file_that_is_not_a_picture(client, as_user, pastoral_lead, pupil):
    plan = make_plan(pastoral_lead, pupil, Kind.SOCIAL_STORY, content={})
    as_user(pastoral_lead)
    data = {
        "title": "Fire drills",
        "review_date": plan.review_date.isoformat(),
        "situation": "Fire drills",
        "pages-TOTAL_FORMS": "1",
        "pages-INITIAL_FORMS": "0",
        "pages-0-text": "A page",
        "pages-0-image": SimpleUploadedFile("bell.png", b"not a picture at all", content_type="image/png"),
    }

    response = client.post(reverse("provision:plan_edit", args=[plan.code]), data)

    assert response.status_code == 200
    assert not StoryImage.objects.exists()
