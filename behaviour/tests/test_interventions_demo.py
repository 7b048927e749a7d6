import pytest

from behaviour.interventions import selectors
from behaviour.models import InterventionTechnique, RestrictiveIntervention, StaffTraining
from pastoral import demo
from pastoral.models import School, User


@pytest.mark.django_db
def test_it_seeds_interventions_with_work_outstanding_and_training_expiring():
    demo.seed_demo()
    school = School.objects.get(name="Northfield Academy")
    lead = User.objects.get(username="pastorallead.northfield")
    assert InterventionTechnique.objects.filter(school=school, scheme="norfolk_steps").exists()
    records = RestrictiveIntervention.objects.filter(school=school)
    assert records.count() == 14
    assert not records.exclude(pupil__school=school).exists()
    counts = selectors.attention_counts(lead, school)
    assert counts["parents"] == 2
    assert counts["review"] >= 6
    assert counts["debriefs"] >= 1
    assert counts["untrained"] == 1
    assert selectors.expiring_training(lead, school).filter(positive_handling=True).count() >= 2
    assert any(record.recorded_late for record in records)
    for record in records:
        record.full_clean(exclude=["submission_key"])


@pytest.mark.django_db
def test_it_clears_interventions_and_training_when_the_demo_is_reset():
    demo.seed_demo()
    assert demo.reset_demo()
    assert not RestrictiveIntervention.objects.exists() and not StaffTraining.objects.exists()
