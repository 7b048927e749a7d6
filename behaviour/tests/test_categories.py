from django.urls import reverse

from behaviour.events import services
from behaviour.models import BehaviourCategory, Location
from pastoral.models import AuditEntry

from .factories import BehaviourCategoryFactory


def test_a_pastoral_lead_adds_and_edits_a_category(client, pastoral_lead, school, as_user):
    as_user(pastoral_lead)
    data = {"name": "Reading aloud", "kind": "positive", "points": 2, "severity": 1, "active": "on", "order": 0}
    assert client.post(reverse("behaviour:category_create"), data).status_code == 302
    category = BehaviourCategory.objects.get(school=school)
    assert category.signed_points == 2
    data["points"] = 3
    assert client.post(reverse("behaviour:category_edit", args=[category.code]), data).status_code == 302
    category.refresh_from_db()
    assert category.points == 3
    assert AuditEntry.objects.filter(action__startswith="behaviour.category.").count() == 2


def test_it_refuses_a_duplicate_name(client, pastoral_lead, school, as_user):
    BehaviourCategoryFactory(school=school, name="Effort")
    as_user(pastoral_lead)
    data = {"name": "effort", "kind": "positive", "points": 1, "severity": 1, "order": 0}
    response = client.post(reverse("behaviour:category_create"), data)
    assert "already has a category with that name" in response.content.decode()


def test_a_teacher_cannot_manage_categories(client, teacher, as_user):
    as_user(teacher)
    assert client.get(reverse("behaviour:category_list")).status_code == 403


def test_it_seeds_default_categories_once(school):
    services.categories_seed_defaults(school=school)
    services.categories_seed_defaults(school=school)
    assert BehaviourCategory.objects.filter(school=school).count() == len(services.DEFAULT_CATEGORIES)
    assert Location.objects.filter(school=school).count() == len(services.DEFAULT_LOCATIONS)
    kinds = list(BehaviourCategory.objects.filter(school=school).values_list("kind", flat=True))
    assert kinds.count("positive") == 4
