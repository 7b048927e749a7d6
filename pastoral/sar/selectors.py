"""Reads for subject access requests: the one "visible to this user" selector and the page lookups."""

from ..accounts import access
from .models import SubjectAccessRequest
from .permissions import MANAGE


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
    from .models import SarPack

    return SarPack.objects.filter(request=request).select_related("requested_by", "released_by").first()


def get_request_for_reviewer(user, code):
    """The request, for the DSL team's review of its pack's safeguarding items (404 outside the school)."""
    from .permissions import REVIEW_SAFEGUARDING

    requests = SubjectAccessRequest.objects.select_related("school", "pupil")
    return access.get_or_refuse(requests, user, code, REVIEW_SAFEGUARDING, "subject access request")


def get_item_for_user(user, code, item_code):
    """A pack item, for the data-protection lead, or for the DSL team when it is a safeguarding item: 404 outside
    the school (or for an item of another pack), 403 to the school's other staff."""
    from django.core.exceptions import ValidationError
    from django.http import Http404

    from .models import SarPackItem
    from .services import may_edit_item

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
    from django.db.models import Prefetch

    from .models import SarRedaction

    items = pack.items.order_by("position")
    if area:
        items = items.filter(area=area)
    return items.prefetch_related(Prefetch("redactions", queryset=SarRedaction.objects.order_by("part", "start", "id")))


def area_counts(pack):
    """[(area, items, withheld, redacted)] of the pack, in one query."""
    from django.db.models import Count, Q

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
