import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from conftest import make_staff
from pastoral.accounts.roles import Role
from safeguarding.models import Concern
from safeguarding.services import categories_ensure

DISCLOSURE = "He said his uncle hits him with a belt"
ACCOUNT = "Saw a long red mark across the back of the left thigh during PE"


def png_upload(name="photo.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (6, 6), "red").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture
def categories(school):
    return {c.name: c for c in categories_ensure(school)}


@pytest.fixture
def trust_dsl(trust, school):
    return make_staff(None, Role.TRUST_DSL, "trustdsl", trust=trust)


@pytest.fixture
def reporter(school):
    return make_staff(school, Role.TEACHER, "reporter")


@pytest.fixture
def superuser(db):
    from pastoral.tests.factories import UserFactory

    user = UserFactory(username="root", is_superuser=True, is_staff=True)
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    return user


@pytest.fixture
def make_concern(school, pupil, reporter, categories):
    def make(**fields):
        pupils = fields.pop("pupils", [pupil])
        values = {
            "school": school,
            "reporter": reporter,
            "category": categories["Physical abuse"],
            "occurred_at": timezone.now(),
            "account": ACCOUNT,
            "child_words": DISCLOSURE,
            "submission_key": uuid.uuid4(),
            **fields,
        }
        concern = Concern.objects.create(**values)
        concern.pupils.set(pupils)
        return concern

    return make


@pytest.fixture
def concern(make_concern):
    return make_concern()
