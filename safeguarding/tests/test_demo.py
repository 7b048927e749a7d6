import pytest

from pastoral import demo
from pastoral.models import School
from safeguarding.models import Concern, FileTransfer


@pytest.mark.django_db
def test_it_seeds_concerns_case_work_and_a_transfer_and_resets_cleanly():
    demo.seed_demo()
    school = School.objects.get(name="Northfield Academy")
    concerns = Concern.objects.filter(school=school)
    assert concerns.count() >= 10
    assert concerns.filter(status="new", urgent=True).exists()
    assert concerns.filter(decisions__isnull=False).exists() and concerns.filter(marks__isnull=False).exists()
    assert school.concern_categories.count() == 14
    assert FileTransfer.objects.filter(school=school).exists()
    demo.seed_demo()  # a reset clears the protected safeguarding records and seeds again
    assert Concern.objects.filter(school__name="Northfield Academy").count() == concerns.count()
