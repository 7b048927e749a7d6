import pytest

from behaviour.detentions.models import Detention, DetentionNotice, DetentionSession, DetentionType
from pastoral import demo
from pastoral.models import School


@pytest.mark.django_db
def test_the_demo_has_detentions_in_every_state():
    demo.seed_demo()
    school = School.objects.get(name="Northfield Academy")
    assert DetentionType.objects.filter(school=school).count() == 3
    assert DetentionSession.objects.filter(school=school).count() >= 3 * 10
    detentions = Detention.objects.filter(school=school)
    statuses = set(detentions.values_list("status", flat=True))
    assert statuses == {"set", "attended", "missed", "excused", "rescheduled"}
    missed = detentions.get(status="missed")
    assert missed.escalation_note and missed.escalations.get().session.type.name == "After-school detention"
    upcoming = detentions.filter(status="set", notice_required=True)
    assert upcoming.exists() and not upcoming.filter(notices__isnull=True).exists()
    assert DetentionNotice.objects.filter(detention__school=school, method="email").exists()
    assert not detentions.exclude(pupil__school=school).exists()
    assert demo.reset_demo()
    assert not Detention.objects.exists() and not DetentionType.objects.exists()
