"""The analytics page's filter form, shared by the page and its CSV download."""

from django import forms

from pastoral.models import Pupil, User, YearGroup
from pastoral.widgets import DateInput, Select

from ..events.models import BehaviourCategory, Location, PupilRole
from .selectors import Filters, default_period

YES_NO = [("", "Any"), ("yes", "Yes"), ("no", "No")]
ALL_SCHOOLS = "all"


class AnalyticsFilterForm(forms.Form):
    """The analytics page's filters; the page and its CSV download both read rows through `filters()`."""

    school = forms.ChoiceField(label="School", required=False, widget=Select)
    start = forms.DateField(label="From", required=False, widget=DateInput())
    end = forms.DateField(label="To", required=False, widget=DateInput())
    year_group = forms.TypedChoiceField(
        label="Year",
        choices=[("", "All years"), *YearGroup.choices],
        coerce=int,
        required=False,
        empty_value=None,
        widget=Select,
    )
    form = forms.ChoiceField(label="Form / class", required=False, widget=Select)
    kind = forms.ChoiceField(
        label="Type", choices=[("", "Any"), *BehaviourCategory.Kind.choices], required=False, widget=Select
    )
    category = forms.ChoiceField(label="Category", required=False, widget=Select)
    location = forms.ChoiceField(label="Location", required=False, widget=Select)
    role = forms.ChoiceField(
        label="Pupil's role", choices=[("", "Any"), *PupilRole.choices], required=False, widget=Select
    )
    staff = forms.ModelChoiceField(
        label="Staff member", queryset=None, to_field_name="code", required=False, empty_label="Anyone", widget=Select
    )
    sen = forms.ChoiceField(
        label="SEN",
        choices=[("", "Any"), (Pupil.SEN.SUPPORT, "SEN support"), (Pupil.SEN.EHCP, "EHCP"), (Pupil.SEN.NONE, "No SEN")],
        required=False,
        widget=Select,
    )
    pupil_premium = forms.ChoiceField(label="Pupil premium", choices=YES_NO, required=False, widget=Select)
    looked_after = forms.ChoiceField(label="Looked after (CLA)", choices=YES_NO, required=False, widget=Select)
    gender = forms.ChoiceField(
        label="Gender", choices=[("", "Any"), *Pupil.Gender.choices], required=False, widget=Select
    )

    def __init__(self, *args, schools, current, **kwargs):
        """`schools`: the schools where the user may see analytics; `current`: the one they are working in."""
        super().__init__(*args, **kwargs)
        self.schools = schools
        self.current = current if current in schools else schools[0]
        if len(schools) > 1:
            self.fields["school"].choices = [
                *((str(school.code), school.name) for school in schools),
                (ALL_SCHOOLS, "All schools"),
            ]
            self.fields["school"].initial = str(self.current.code)
        else:
            del self.fields["school"]
        ids = [school.pk for school in schools]
        names = BehaviourCategory.objects.filter(school_id__in=ids).order_by("name").values_list("name", flat=True)
        self.fields["category"].choices = [("", "Any"), *((name, name) for name in names.distinct())]
        places = Location.objects.filter(school_id__in=ids).order_by("name").values_list("name", flat=True)
        self.fields["location"].choices = [("", "Anywhere"), *((name, name) for name in places.distinct())]
        classes = Pupil.objects.filter(school_id__in=ids).exclude(form="").order_by("form")
        classes = classes.values_list("form", flat=True)
        self.fields["form"].choices = [("", "All forms"), *((name, name) for name in classes.distinct())]
        # Only what the option needs (its code and name): a trust offers a thousand members of staff.
        self.fields["staff"].queryset = (
            User.objects.filter(memberships__school_id__in=ids, is_active=True)
            .distinct()
            .order_by("last_name", "first_name")
            .only("code", "first_name", "last_name", "username")
        )
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select" if isinstance(field.widget, forms.Select) else "form-control"

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["start"] > cleaned["end"]:
            self.add_error("end", "This must be on or after the start date.")
        return cleaned

    def _post_clean(self):
        super()._post_clean()
        # Link each message to its field for screen readers, as the template gives it this id.
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["aria-describedby"] = f"{self[name].auto_id}-error"
                attrs["class"] = attrs.get("class", "") + " is-invalid"

    def chosen_schools(self):
        """The schools the figures cover: one school, or all of the user's schools."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        choice = data.get("school") or ""
        if choice == ALL_SCHOOLS:
            return list(self.schools)
        return [next((school for school in self.schools if str(school.code) == choice), self.current)]

    def filters(self):
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        schools = self.chosen_schools()
        start, end = default_period(schools[0] if len(schools) == 1 else self.current)
        yes_no = {"yes": True, "no": False}
        return Filters(
            school_ids=[school.pk for school in schools],
            start=data.get("start") or start,
            end=data.get("end") or max(end, data.get("start") or end),
            year_group=data.get("year_group"),
            form=data.get("form") or "",
            kind=data.get("kind") or "",
            category=data.get("category") or "",
            location=data.get("location") or "",
            staff=data.get("staff"),
            sen=data.get("sen") or "",
            pupil_premium=yes_no.get(data.get("pupil_premium")),
            looked_after=yes_no.get(data.get("looked_after")),
            gender=data.get("gender") or "",
            role=data.get("role") or "",
        )
