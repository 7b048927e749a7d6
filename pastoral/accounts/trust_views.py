"""The trust leader's pages: the trust's schools, and adding a school with its first headteacher."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render

from .. import selectors
from ..exceptions import PastoralError
from ..forms import add_service_errors
from ..models import School
from . import trusts

NO_HEAD, EXISTING_HEAD, NEW_HEAD = "none", "existing", "new"


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.get_full_name() or obj.username} ({obj.email})"


class SchoolAddForm(forms.Form):
    trust = forms.ModelChoiceField(queryset=None, to_field_name="code", empty_label=None)
    name = forms.CharField(label="School name", max_length=200)
    urn = forms.CharField(
        label="URN", max_length=20, required=False, help_text="The six-digit DfE unique reference number, if known."
    )
    phase = forms.ChoiceField(choices=[("", "Not given"), *School.Phase.choices], required=False)
    head_choice = forms.ChoiceField(
        label="First headteacher",
        widget=forms.RadioSelect,
        initial=NO_HEAD,
        choices=[
            (NO_HEAD, "Not yet"),
            (EXISTING_HEAD, "Someone who already works in the trust"),
            (NEW_HEAD, "Someone new: create their account and email them a link to choose a password"),
        ],
    )
    head = StaffChoiceField(
        label="Member of staff", queryset=None, to_field_name="code", required=False, empty_label="Choose…"
    )
    head_first_name = forms.CharField(label="First name", max_length=150, required=False)
    head_last_name = forms.CharField(label="Last name", max_length=150, required=False)
    head_email = forms.EmailField(label="Email address", required=False, help_text="The link is sent here.")
    head_username = forms.CharField(label="Username", max_length=150, required=False)

    NEW_HEAD_FIELDS = ("head_first_name", "head_last_name", "head_email", "head_username")

    def __init__(self, *args, led_trusts, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.only_trust = led_trusts[0] if len(led_trusts) == 1 else None
        if self.only_trust is not None:  # the usual case: no choice to make
            del self.fields["trust"]
        else:
            self.fields["trust"].queryset = led_trusts
        self.fields["head"].queryset = staff

    def clean_urn(self):
        urn = self.cleaned_data["urn"].strip()
        if message := trusts.urn_problem(urn):
            raise forms.ValidationError(message)
        return urn

    def clean(self):
        data = super().clean()
        if self.only_trust is not None:
            data["trust"] = self.only_trust
        trust = data.get("trust")
        if trust is not None and data.get("name") and (message := trusts.school_name_problem(trust, data["name"])):
            self.add_error("name", message)
        choice = data.get("head_choice")
        if choice == EXISTING_HEAD and not data.get("head"):
            self.add_error("head", "Choose the member of staff who will be headteacher.")
        if choice == NEW_HEAD:
            for key, message in trusts.new_staff_problems(self.new_head(), "head_").items():
                if key not in self.errors:
                    self.add_error(key, message)
        return data

    def new_head(self):
        values = [self.cleaned_data.get(name) or "" for name in self.NEW_HEAD_FIELDS]
        first_name, last_name, email, username = values
        return trusts.NewStaff(username=username, email=email, first_name=first_name, last_name=last_name)


def _leader_trusts(request):
    led = selectors.trusts_adding_schools(request.user)
    if not led:
        raise PermissionDenied
    return led


@login_required
def trust_schools(request):
    _leader_trusts(request)
    schools = list(selectors.trust_schools_for(request.user))
    return render(request, "pastoral/trust_schools.html", {"schools": schools})


@login_required
def school_add(request):
    led = _leader_trusts(request)
    form = SchoolAddForm(request.POST or None, led_trusts=led, staff=selectors.trust_staff_for(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        choice = data["head_choice"]
        try:
            added = trusts.school_add(
                actor=request.user,
                trust=data["trust"],
                school=trusts.NewSchool(name=data["name"], urn=data["urn"], phase=data["phase"]),
                head=data["head"] if choice == EXISTING_HEAD else None,
                new_head=form.new_head() if choice == NEW_HEAD else None,
            )
        except (ValidationError, PastoralError) as exc:  # e.g. taken between the form's checks and the service's
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{added.school.name} has been added to {added.school.trust.name}.")
            if added.head_created:
                messages.success(
                    request,
                    f"{added.head.get_full_name()} is its headteacher. A link to choose a password has been "
                    f"emailed to {added.head.email}; they set up two-factor authentication at first sign-in.",
                )
            elif added.head is not None:
                messages.success(request, f"{added.head.get_full_name()} is its headteacher.")
            return redirect("pastoral:trust_schools")
    return render(request, "pastoral/school_add.html", {"form": form})
