import pytest

from conftest import make_staff
from pastoral.accounts.roles import Role


@pytest.fixture
def medical_lead(school):
    return make_staff(school, Role.MEDICAL_LEAD, "medic")


@pytest.fixture
def other_school_medical_lead(sister_school):
    return make_staff(sister_school, Role.MEDICAL_LEAD, "othermedic")
