from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete, post_save

from . import audit, presence, request_cache


def on_login(sender, request, user, **kwargs):
    audit.record("auth.login.succeeded", actor=user)


def on_logout(sender, request, user, **kwargs):
    if user is not None:
        audit.record("auth.logout", actor=user)


def on_login_failed(sender, credentials, request=None, **kwargs):
    audit.record("auth.login.failed", actor_label=str(credentials.get("username", ""))[:200])


def on_locked_out(sender, request, username, ip_address, **kwargs):
    # The counter key of a known browser carries the browser id, which is what makes its cookie count:
    # the log names the account and says which counter tripped, with a tag that cannot be turned back
    # into the id.
    from .accounts.signin import browser_tag, split_lockout_key

    name, device_id = split_lockout_key(username)
    if getattr(request, "signin_lock", None) == "network":
        data = {"counter": "address"}
    elif device_id:
        data = {"counter": "known browser", "browser": browser_tag(device_id)}
    else:
        data = {"counter": "account"}
    audit.record("auth.login.locked_out", actor_label=name[:200], data=data)


def _permission_audit(action):
    # Guardian grants made anywhere (a service, the admin, a shell) are recorded.
    def handler(sender, instance, **kwargs):
        if kwargs.get("raw"):
            return
        if action == "pastoral.permission.granted" and not kwargs.get("created", True):
            return
        target = instance.content_object
        audit.record(
            action,
            obj=target,
            pupil=getattr(target, "pupil", None),
            school=getattr(target, "school", None),
            data={
                "permission": instance.permission.codename,
                "grantee": str(getattr(instance, "user", None) or getattr(instance, "group", "")),
            },
        )

    return handler


_granted = _permission_audit("pastoral.permission.granted")
_revoked = _permission_audit("pastoral.permission.revoked")


def watch_permission_model(model):
    post_save.connect(_granted, sender=model, dispatch_uid=f"grant-{model._meta.label}")
    post_delete.connect(_revoked, sender=model, dispatch_uid=f"revoke-{model._meta.label}")


def connect():
    from axes.signals import user_locked_out
    from guardian.models import GroupObjectPermission, UserObjectPermission

    user_logged_in.connect(on_login, dispatch_uid="pastoral-login")
    user_logged_out.connect(on_logout, dispatch_uid="pastoral-logout")
    user_login_failed.connect(on_login_failed, dispatch_uid="pastoral-login-failed")
    user_locked_out.connect(on_locked_out, dispatch_uid="pastoral-locked-out")
    for model in (UserObjectPermission, GroupObjectPermission):
        watch_permission_model(model)
    from .models import AcademicYear, SchoolClosure, Term

    watch_calendar_models(AcademicYear, Term, SchoolClosure)
    presence.connect()


def sync_role_groups(sender, **kwargs):
    """Keep one group per role holding exactly that role's permissions (readable in the admin)."""
    from django.contrib.auth.models import Group, Permission

    from .accounts.roles import ROLE_PERMISSIONS

    permissions = {
        f"{p.content_type.app_label}.{p.codename}": p for p in Permission.objects.select_related("content_type")
    }
    for role, names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role.group_name)
        group.permissions.set([permissions[name] for name in names if name in permissions])


def _forget_calendar(sender, instance, **kwargs):
    # Other processes read the calendar again when they see the new version; a request that changes a school's
    # terms or closures then reads its own change.
    from .calendar.school_days import calendar_changed
    from .models import AcademicYear

    school_id = getattr(instance, "school_id", None)
    if school_id is None and getattr(instance, "academic_year_id", None):
        school_id = (
            AcademicYear.objects.filter(pk=instance.academic_year_id).values_list("school_id", flat=True).first()
        )
    if school_id is None:
        request_cache.forget("calendar")
        return
    calendar_changed([school_id])


def watch_calendar_models(*models):
    for model in models:
        post_save.connect(_forget_calendar, sender=model, dispatch_uid=f"calendar-{model._meta.label}")
        post_delete.connect(_forget_calendar, sender=model, dispatch_uid=f"calendar-del-{model._meta.label}")
