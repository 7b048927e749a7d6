"""Sign-in, two-factor authentication and password reset."""

import base64
import io

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from .. import audit, services
from ..forms import EnrolForm, SignInForm, TokenForm
from ..middleware import client_ip
from . import password_reset, signin


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


@require_POST
def sign_out(request):
    return auth_views.LogoutView.as_view()(request)


def _next_url(request):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("pastoral:home")


def _confirmed_totp(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def _second_factor_passed(request, device):
    otp_login(request, device)
    # A session id seen before the second factor (on a shared computer, in a proxy log) must not
    # carry over into the verified session.
    request.session.cycle_key()


def _throttled_message(locked_until):
    return (
        f"Too many wrong codes. Try again after {timezone.localtime(locked_until):%H:%M:%S}. "
        "If you have lost your phone and your backup codes, ask your school's IT admin to reset your "
        "two-factor authentication; for safeguarding roles a headteacher or DSL approves the reset."
    )


@login_required
def mfa_verify(request):
    if request.user.is_verified():
        return redirect(_next_url(request))
    if _confirmed_totp(request.user) is None:
        return redirect(f"{reverse('accounts:mfa_setup')}?next={_next_url(request)}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = signin.verify_second_factor(request.user, form.cleaned_data["token"])
        if result.device is not None:
            _second_factor_passed(request, result.device)
            audit.record("auth.mfa.verified", actor=request.user, data={"method": result.device.name})
            if isinstance(result.device, StaticDevice):
                remaining = result.device.token_set.count()
                messages.warning(request, f"You used a backup code. {remaining} remain.")
            response = redirect(_next_url(request))
            signin.remember_device(request, response, request.user)
            return response
        audit.record("auth.mfa.failed", actor=request.user, data={} if result.checked else {"throttled": True})
        if result.checked:
            message = "That code is not right. Check your app shows the code for this account and try again."
        else:
            message = _throttled_message(result.locked_until)
        form.add_error("token", message)
    return render(request, "accounts/mfa_verify.html", {"form": form, "next": _next_url(request)})


def _qr_svg(uri):
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()


@login_required
def mfa_setup(request):
    """First sign-in: enrol an authenticator app, then show backup codes once."""
    if _confirmed_totp(request.user) is not None:
        return redirect(f"{reverse('accounts:mfa_verify')}?next={_next_url(request)}")
    device = services.mfa_pending_device(request.user)
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            codes = services.mfa_confirm(user=request.user, device=device)
            _second_factor_passed(request, device)
            response = render(request, "accounts/backup_codes.html", {"codes": codes, "next": _next_url(request)})
            signin.remember_device(request, response, request.user)
            return response
        audit.record("auth.mfa.failed", actor=request.user, data={"during": "enrolment"})
        form.add_error(
            "token", "That code did not match. Scan the QR code again, then enter the code your app shows now."
        )
    context = {
        "form": form,
        "qr_svg": _qr_svg(device.config_url),
        "secret": base64.b32encode(device.bin_key).decode(),
        "next": _next_url(request),
    }
    return render(request, "accounts/mfa_setup.html", context)


@login_required
@require_POST
def backup_codes_regenerate(request):
    codes = services.mfa_issue_backup_codes(user=request.user)
    return render(request, "accounts/backup_codes.html", {"codes": codes, "next": reverse("pastoral:home")})


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "emails/password_reset-body.txt"
    html_email_template_name = "emails/password_reset-body.html"
    subject_template_name = "emails/password_reset-subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        # The same redirect whatever happened: the page must not tell which addresses have accounts,
        # nor that a limit was reached. The email is built and sent by a task.
        password_reset.request_reset(email=form.cleaned_data["email"], ip=client_ip(self.request))
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        audit.record("auth.password.changed", actor=form.user, obj=form.user)
        return response
