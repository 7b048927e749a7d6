from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Fieldset, Layout, Submit
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import RegexValidator
from django.db import transaction

from .accounts.roles import Role
from .breakglass import REASON_MIN_LENGTH
from .files.uploads import PHOTO_MAX_BYTES, PHOTO_TYPES, checked_content_type
from .models import (
    AcademicYear,
    FamilyContact,
    Professional,
    Pupil,
    PupilNote,
    RecordsSent,
    SchoolClosure,
    Term,
    User,
)
from .widgets import DateInput, DateTimeInput

DATE_WIDGET = DateInput()


class SignInForm(AuthenticationForm):
    username = forms.CharField(
        label="Username or email",
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )

    error_messages = {
        "invalid_login": "That username or email and password do not match an active account.",
        "inactive": "This account has been deactivated.",
    }

    def clean(self):
        from .accounts import signin

        username, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
        if username is None or not password:
            return super().clean()
        # One transaction holding the account's attempt lock across the lockout check, the password check
        # and the failure count; the refusal is raised after it commits, so the failure is kept.
        refusal = None
        with transaction.atomic():
            signin.lock_attempts(self.request, username)
            try:
                super().clean()
            except forms.ValidationError as exc:
                refusal = exc
        if refusal is not None:
            raise refusal
        return self.cleaned_data


class TokenForm(forms.Form):
    token = forms.CharField(
        label="6-digit code from your authenticator app (or an 8-digit backup code)",
        max_length=8,
        validators=[
            RegexValidator(r"^\d{6}(\d{2})?$", "Enter the 6 digits shown in your app, or an 8-digit backup code.")
        ],
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )

    def clean_token(self):
        return self.cleaned_data["token"].replace(" ", "")


class EnrolForm(forms.Form):
    token = forms.CharField(
        label="6-digit code from your authenticator app",
        max_length=6,
        validators=[RegexValidator(r"^\d{6}$", "Enter the 6 digits shown in your app.")],
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class PupilForm(forms.ModelForm):
    class Meta:
        model = Pupil
        fields = [
            "preferred_first_name",
            "preferred_last_name",
            "house",
            "ethnicity",
            "keyworker",
            "medical_alert",
            "dietary_needs",
            "religious_needs",
            "cultural_needs",
            "communication_needs",
            "photo",
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": 2})
            for name in ("dietary_needs", "religious_needs", "cultural_needs", "communication_needs")
        }
        widgets["photo"] = forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"})
        # The photo is judged by the shared content check alone (clean_photo), not by Django's own image check.
        field_classes = {"photo": forms.FileField}

    def __init__(self, *args, keyworkers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keyworker"].queryset = keyworkers if keyworkers is not None else User.objects.none()
        # Keyworkers are assigned on the keywork pages, which keep this field in step with the assignments.
        self.fields["keyworker"].disabled = True
        self.fields["keyworker"].help_text = "Set by assigning a keyworker on the keywork pages."
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Fieldset(
                "Names",
                Div(
                    Field("preferred_first_name", wrapper_class="col-md-6"),
                    Field("preferred_last_name", wrapper_class="col-md-6"),
                    css_class="row",
                ),
            ),
            Fieldset(
                "Pastoral",
                Div(
                    Field("house", wrapper_class="col-md-6"),
                    Field("keyworker", wrapper_class="col-md-6"),
                    css_class="row",
                ),
                "medical_alert",
            ),
            Fieldset(
                "Needs staff must know", "dietary_needs", "religious_needs", "cultural_needs", "communication_needs"
            ),
            Fieldset("Photo", "photo"),
            Submit("save", "Save changes"),
        )

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if not photo or not hasattr(photo, "content_type"):
            return photo  # nothing new uploaded
        try:
            # The service re-encodes it; checked here too so a refusal shows beside the field.
            checked_content_type(photo, limit=PHOTO_MAX_BYTES, allowed=PHOTO_TYPES)
        except forms.ValidationError as error:
            if error.code == "too_large":
                raise forms.ValidationError("The photo must be 2 MB or smaller.") from error
            if error.code == "too_many_pixels":
                raise
            raise forms.ValidationError("The photo must be a JPEG or PNG image.") from error
        return photo


class FamilyContactForm(forms.ModelForm):
    class Meta:
        model = FamilyContact
        fields = [
            "name",
            "relationship",
            "parental_responsibility",
            "priority",
            "lives_with_pupil",
            "mobile",
            "phone",
            "email",
            "address",
            "restrictions",
        ]
        widgets = {"address": forms.Textarea(attrs={"rows": 2}), "restrictions": forms.Textarea(attrs={"rows": 2})}

    def clean(self):
        data = super().clean()
        if not (data.get("mobile") or data.get("phone") or data.get("email")):
            raise forms.ValidationError("Give at least one way to reach this contact: a mobile, a phone or an email.")
        return data


class ProfessionalForm(forms.ModelForm):
    class Meta:
        model = Professional
        fields = ["kind", "name", "organisation", "phone", "email", "involved_from", "involved_until", "notes"]
        widgets = {
            "involved_from": DATE_WIDGET,
            "involved_until": DATE_WIDGET,
            "notes": forms.Textarea(attrs={"rows": 2}),
        }


class StaffCreateForm(forms.Form):
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    email = forms.EmailField(help_text="The sign-up link is sent here.")
    username = forms.RegexField(
        regex=r"^[\w.@+-]+$",
        max_length=150,
        error_messages={"invalid": "Use letters, digits and . @ + - _ only."},
    )
    job_title = forms.CharField(max_length=100, required=False)
    role = forms.ChoiceField(choices=[(r.value, r.label) for r in Role if not r.trust_wide or r == Role.IT_ADMIN])

    def clean_username(self):
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError("That username is taken.")
        return username

    def clean_email(self):
        email = self.cleaned_data["email"]
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("An account with that email already exists.")
        return email


class MembershipGrantForm(forms.Form):
    role = forms.ChoiceField(choices=[(r.value, r.label) for r in Role if not r.trust_wide or r == Role.IT_ADMIN])
    starts_on = forms.DateField(required=False, widget=DATE_WIDGET, help_text="Leave empty for today.")


class RoleDeclineForm(forms.Form):
    reason = forms.CharField(
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Recorded in the audit log, e.g. “Not known to the school”.",
        error_messages={"required": "Give a reason for declining."},
    )


class MfaResetForm(forms.Form):
    reason = forms.CharField(
        max_length=500,
        required=False,
        label="Reason (optional)",
        help_text="Shown to the approver, e.g. “Lost phone, confirmed in person”.",
    )


class PupilNoteForm(forms.ModelForm):
    class Meta:
        model = PupilNote
        fields = ["kind", "occurred_at", "summary", "detail", "follow_up"]
        labels = {"occurred_at": "When"}
        widgets = {
            "occurred_at": DateTimeInput(),
            "detail": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["occurred_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]


class VoidForm(forms.Form):
    reason = forms.CharField(max_length=200, label="Why is this entry wrong?")


class AcademicYearForm(forms.ModelForm):
    class Meta:
        model = AcademicYear
        fields = ["name", "start", "end"]
        widgets = {"start": DATE_WIDGET, "end": DATE_WIDGET}


class TermForm(forms.ModelForm):
    class Meta:
        model = Term
        fields = ["academic_year", "name", "start", "end"]
        widgets = {"start": DATE_WIDGET, "end": DATE_WIDGET}

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["academic_year"].queryset = school.academic_years.all()


class SchoolClosureForm(forms.ModelForm):
    class Meta:
        model = SchoolClosure
        fields = ["kind", "name", "start", "end"]
        widgets = {"start": DATE_WIDGET, "end": DATE_WIDGET}

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.school = school


def add_service_errors(form, exc):
    """Put a service's refusal beside the field it is about, or at the top of the form.

    Services raise ValidationError (per field or not) or PastoralError; a refusal listing several
    reasons (`problems`) shows each one.
    """
    if isinstance(exc, forms.ValidationError) and hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    elif isinstance(exc, forms.ValidationError):
        form.add_error(None, exc.messages)
    elif getattr(exc, "problems", None):
        for problem in exc.problems:
            form.add_error(None, str(problem))
    else:
        form.add_error(None, str(exc))


class BreakGlassForm(forms.Form):
    reason = forms.CharField(
        label="Why must you open this record now?",
        min_length=REASON_MIN_LENGTH,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=f"At least {REASON_MIN_LENGTH} characters. The DSL team is told at once and reviews every opening.",
    )


class BreakGlassReviewForm(forms.Form):
    note = forms.CharField(
        label="Review note", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class RecordsSentForm(forms.ModelForm):
    class Meta:
        model = RecordsSent
        fields = ["sent_on", "new_school", "what", "method"]
        labels = {"sent_on": "Date sent"}
        widgets = {"sent_on": DATE_WIDGET}
        help_texts = {"what": "e.g. Pupil file, SEN file and support plans; the CP file has its own transfer"}
