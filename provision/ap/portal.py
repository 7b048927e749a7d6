"""The provider portal's fence: an alternative provider's contact reaches the portal and their own sign-in pages,
and nothing else of the app.

A provider account holds the provider role (current or ended) or is linked to a provider. Such an account may be
signed in and verified by two-factor like every account; this middleware, placed after the two-factor one, then
answers 404 to every URL outside ALLOWED (the home page sends them to the portal). The portal views check again
what each record is (selectors.portal_placements_for): the provider's active placements only.
"""

from django.http import Http404
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse

from .selectors import is_provider_account

# The portal, and the account pages every signed-in person needs (sign out, two-factor, password).
ALLOWED = {
    "accounts:login",
    "accounts:logout",
    "accounts:mfa_verify",
    "accounts:mfa_setup",
    "accounts:backup_codes",
    "accounts:password_reset",
    "accounts:password_reset_done",
    "accounts:password_reset_confirm",
    "accounts:password_reset_complete",
    "provision:ap_portal",
    "provision:ap_portal_placement",
    "provision:ap_portal_returns",
    "provision:ap_portal_report",
    "provision:ap_portal_photo",
}
PORTAL_PREFIX = "provision:ap_portal"


def allowed_for_provider(view_name):
    return view_name in ALLOWED


class ProviderPortalMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and is_provider_account(user):
            try:
                match = resolve(request.path_info)
            except Resolver404:
                match = None
            name = match.view_name if match else ""
            if name == "pastoral:home":
                return redirect(reverse("provision:ap_portal"))
            if not allowed_for_provider(name):
                # Raised here, the app's own 404 page answers: the URL is not there for a provider.
                from django.views.defaults import page_not_found

                return page_not_found(request, Http404("Not available to provider accounts"))
        return self.get_response(request)
