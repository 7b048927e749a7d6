from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


def account_for(typed):
    """The one account a typed username or email address names, ignoring case, or None.

    Shared with the sign-in throttle so that it counts failures against the same account this
    backend would sign in."""
    User = get_user_model()
    lookup = {"email__iexact": typed} if "@" in typed else {"username__iexact": typed}
    try:
        return User.objects.get(**lookup)
    except (User.DoesNotExist, User.MultipleObjectsReturned):
        return None


class UsernameOrEmailBackend(ModelBackend):
    """Staff sign in with their username or their school email address.

    Model-wide permissions are never granted through this backend: access
    comes from school memberships (`pastoral.accounts.access`), so `user.has_perm()`
    cannot leak one school's records to another.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        user = account_for(username)
        if user is None:
            get_user_model()().set_password(password)  # equalise timing with a real check
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def user_can_authenticate(self, user):
        """Active, and holding at least one current role: a role's end date cuts access that day,
        before the nightly task deactivates the account. Superusers keep access for set-up."""
        if not super().user_can_authenticate(user):
            return False
        if user.is_superuser:
            return True
        from . import access

        # The roles are read once and kept on the user for the request, where every page's permission checks
        # read them again: one query instead of an EXISTS here and the roles' own read after it.
        return bool(access.school_roles(user) or access.trust_roles(user))

    def get_user_permissions(self, user_obj, obj=None):
        return set()

    def get_group_permissions(self, user_obj, obj=None):
        return set()
