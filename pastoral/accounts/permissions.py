"""Per-record grants (django-guardian), with its defaults turned safe.

Guardian by default lets superusers and holders of a model-wide permission see
every object. For pupils' records that is wrong: a grant must name the record.
Every app asks for granted objects through `objects_granted_to`, never through
guardian directly.
"""

from django.db import transaction
from guardian.shortcuts import assign_perm, get_objects_for_user, remove_perm

from ..exceptions import PastoralError


def objects_granted_to(user, perm, queryset):
    """Objects of `queryset` on which `user` holds `perm` through an explicit per-record grant."""
    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    return get_objects_for_user(
        user,
        perm,
        klass=queryset,
        with_superuser=False,
        accept_global_perms=False,
        use_groups=True,
    )


@transaction.atomic
def record_access_grant(*, actor, grantee, perm, obj):
    """Share one record with one named person (the grant is audited by the permission signals)."""
    if not grantee.is_active:
        raise PastoralError("That account is deactivated.")
    assign_perm(perm, grantee, obj)


@transaction.atomic
def record_access_revoke(*, actor, grantee, perm, obj):
    remove_perm(perm, grantee, obj)
