"""Reads for subject access requests: the one "visible to this user" selector and the page lookups."""

from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import Http404

from ..accounts import access
from .models import SarPack, SarPackItem, SarRedaction, SubjectAccessRequest
from .permissions import MANAGE, REVIEW_SAFEGUARDING


def requests_visible_to(user):
    return SubjectAccessRequest.objects.filter(school_id__in=access.schools_with_perm(user, MANAGE))


def get_request_for_user(user, code):
    requests = SubjectAccessRequest.objects.select_related("school", "pupil", "created_by", "pack")
    return access.get_or_refuse(requests, user, code, MANAGE, "subject access request")


def open_requests(requests):
    """Of `requests`, those still open (the list's first view and the dashboard panel)."""
    return requests.filter(status=SubjectAccessRequest.Status.OPEN)


# --- the pack --------------------------------------------------------------------------------------------------


def pack_of(request):
    return SarPack.objects.filter(request=request).select_related("requested_by", "released_by").first()


def get_request_for_reviewer(user, code):
    """The request, for the DSL team's review of its pack's safeguarding items (404 outside the school)."""
    requests = SubjectAccessRequest.objects.select_related("school", "pupil")
    return access.get_or_refuse(requests, user, code, REVIEW_SAFEGUARDING, "subject access request")


def may_edit_item(user, item, school_id):
    """The data-protection lead works on every item of a pack; the DSL team also on its safeguarding items."""
    if access.has_school_perm(user, school_id, MANAGE):
        return True
    return item.needs_dsl_review and access.has_school_perm(user, school_id, REVIEW_SAFEGUARDING)


def get_item_for_user(user, code, item_code):
    """A pack item, for the data-protection lead, or for the DSL team when it is a safeguarding item: 404 outside
    the school (or for an item of another pack), 403 to the school's other staff."""
    sar = SubjectAccessRequest.objects.select_related("school", "pupil").filter(code=code).first()
    item = None
    if sar is not None:
        try:
            item = SarPackItem.objects.select_related("pack").filter(pack__request=sar, code=item_code).first()
        except ValidationError:
            item = None
    if item is not None and may_edit_item(user, item, sar.school_id):
        item.pack.request = sar
        return sar, item
    if sar is not None and access.is_member_of(user, sar.school_id):
        if item is None and access.has_school_perm(user, sar.school_id, MANAGE):
            raise Http404("No such record in this pack")
        access.refuse(user, sar, code, None, allowed_to_know=True, noun="record")
    raise Http404("No such record")


def items_of(pack, area=""):
    items = pack.items.order_by("position")
    if area:
        items = items.filter(area=area)
    return items.prefetch_related(Prefetch("redactions", queryset=SarRedaction.objects.order_by("part", "start", "id")))


def area_counts(pack):
    """[(area, items, withheld, redacted)] of the pack, in one query."""
    rows = (
        pack.items.values("area")
        .annotate(
            total=Count("id", distinct=True),
            withheld=Count("id", filter=Q(withheld=True), distinct=True),
            redacted=Count("redactions__item", distinct=True),
        )
        .order_by("area")
    )
    return list(rows)
