"""The select that writes its options in Python gives the same markup as Django's."""

import pytest
from django import forms
from django.test.html import parse_html

from pastoral.models import School
from pastoral.widgets import Select

CHOICES = [("", "Any"), ("a", "Ann & <Bob>"), ("b", "Bea"), ("a", "Ann again"), ("Group", [("c", "Cee"), ("d", "Dee")])]


def same(django_widget, ours, name, value, attrs=None):
    assert parse_html(ours.render(name, value, attrs)) == parse_html(django_widget.render(name, value, attrs))


@pytest.mark.parametrize("value", [None, "", "a", "b", "c", "missing", 3])
def test_it_writes_what_djangos_select_writes(value):
    attrs = {"id": "id_pick", "class": "form-select", "required": True, "aria-describedby": "id_pick_error"}
    same(forms.Select(choices=CHOICES), Select(choices=CHOICES), "pick", value, attrs)


def test_a_multiple_select_marks_every_chosen_value():
    class Multiple(Select):
        allow_multiple_selected = True

    same(forms.SelectMultiple(choices=CHOICES), Multiple(choices=CHOICES), "pick", ["a", "d"], {"multiple": True})


@pytest.mark.django_db
def test_a_model_choice_field_renders_the_same(school, sister_school):
    def field(widget):
        return forms.ModelChoiceField(
            queryset=School.objects.order_by("name"), to_field_name="code", empty_label="Anyone", widget=widget
        )

    django_field, ours = field(forms.Select), field(Select)
    chosen = str(sister_school.code)
    same(django_field.widget, ours.widget, "school", chosen, {"id": "id_school"})
    assert f'value="{chosen}" selected' in ours.widget.render("school", chosen)
