from django.core.exceptions import ValidationError


class MFAAwareMinimumLengthValidator:
    """12 characters, or 8 once the account has confirmed two-factor authentication.

    Cyber Essentials: minimum 8 with MFA, 12 without; no maximum length.
    """

    def __init__(self, with_mfa=8, without_mfa=12):
        self.with_mfa = with_mfa
        self.without_mfa = without_mfa

    def minimum_for(self, user):
        from django_otp import devices_for_user

        if user is not None and user.pk and any(True for _ in devices_for_user(user, confirmed=True)):
            return self.with_mfa
        return self.without_mfa

    def validate(self, password, user=None):
        minimum = self.minimum_for(user)
        if len(password) < minimum:
            raise ValidationError(
                f"This password is too short. It must contain at least {minimum} characters.",
                code="password_too_short",
            )

    def get_help_text(self):
        return (
            f"Your password must contain at least {self.without_mfa} characters "
            f"({self.with_mfa} once two-factor authentication is set up)."
        )
