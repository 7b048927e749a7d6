"""Views for behaviour rules: fetch → form → service → redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from pastoral.accounts import access
from pastoral.exceptions import PastoralError
from pastoral.forms import add_service_errors
from pastoral.lists import list_page

from ..detentions.services import suggest_url
from ..events.selectors import events_visible_to
from ..views import _require, _school_with
from . import selectors, services
from .filters import hit_filter
from .forms import LetterSentForm, LetterTemplateForm, RuleForm
from .models import BehaviourRule, BehaviourRuleTask, LetterTemplate

MANAGE = selectors.MANAGE


SET_DETENTION = "behaviour.set_detention"


@login_required
def rule_list(request):
    school = _school_with(request, MANAGE)
    rules = selectors.rules_visible_to(request.user).filter(school=school).order_by("-active", "name")
    templates = selectors.templates_visible_to(request.user).filter(school=school)
    return render(request, "behaviour/rules/rule_list.html", {"rules": rules, "templates": templates})


def _rule_form(request, school, rule, template_name):
    form = RuleForm(request.POST or None, instance=rule, school=school)
    if request.method == "POST" and form.is_valid():
        try:
            rule = services.rule_save(
                actor=request.user,
                rule=form.instance,
                categories=list(form.cleaned_data["categories"]),
                changed=form.changed_data,
            )
        except (PastoralError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Rule saved.")
            return redirect("behaviour:rule_detail", code=rule.code)
    return render(request, template_name, {"form": form, "rule": rule})


@login_required
def rule_create(request):
    school = _school_with(request, MANAGE)
    return _rule_form(request, school, BehaviourRule(school=school), "behaviour/rules/rule_form.html")


@login_required
def rule_edit(request, code):
    rule = selectors.get_rule_for_user(request.user, code)
    return _rule_form(request, rule.school, rule, "behaviour/rules/rule_form.html")


@login_required
def rule_detail(request, code):
    rule = selectors.get_rule_for_user(request.user, code)
    hits = list(rule.hits.select_related("pupil").order_by("-fired_at", "-pk")[:20])
    context = {"rule": rule, "categories": list(rule.categories.all()), "hits": hits}
    return render(request, "behaviour/rules/rule_detail.html", context)


@login_required
@require_POST
def rule_trial(request, code):
    rule = selectors.get_rule_for_user(request.user, code)
    rule = services.rule_trial(actor=request.user, rule=rule)
    messages.success(request, f"Tried against last term: it would have fired {rule.trial_hits} times.")
    return redirect("behaviour:rule_detail", code=rule.code)


@login_required
@require_POST
def rule_switch(request, code):
    rule = selectors.get_rule_for_user(request.user, code)
    active = request.POST.get("active") == "on"
    services.rule_switch(actor=request.user, rule=rule, active=active)
    messages.success(request, "Rule switched on." if active else "Rule switched off.")
    return redirect("behaviour:rule_detail", code=rule.code)


def _template_form(request, school, template):
    form = LetterTemplateForm(request.POST or None, instance=template, school=school)
    if request.method == "POST" and form.is_valid():
        try:
            services.template_save(actor=request.user, template=form.instance, changed=form.changed_data)
        except (PastoralError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Letter saved.")
            return redirect("behaviour:rule_list")
    return render(request, "behaviour/rules/template_form.html", {"form": form, "template": template})


@login_required
def template_create(request):
    school = _school_with(request, MANAGE)
    return _template_form(request, school, LetterTemplate(school=school))


@login_required
def template_edit(request, code):
    template = selectors.get_template_for_user(request.user, code)
    return _template_form(request, template.school, template)


@login_required
def rule_alerts(request):
    school = _school_with(request, "behaviour.view_event")
    listing = list_page(request, hit_filter(request.user, school, request.GET))
    context = listing.context(can_manage=access.has_school_perm(request.user, school, MANAGE))
    return render(request, "behaviour/rules/alerts.html", context)


def _hit_context(request, hit, **forms):
    letter = getattr(hit, "letter", None)
    can_send = access.has_school_perm(request.user, hit.school_id, "behaviour.record_event")
    # Through the viewer's own event selector: a keyworker told of the alert must not see an event of a sensitive
    # category they may not read.
    events = list(
        events_visible_to(request.user).filter(rule_hits=hit).select_related("category").order_by("occurred_at")
    )
    # A suggested detention is set from the newest live event that fired the rule, linked to it.
    live = [event for event in events if not event.voided_at]
    set_detention_url = (
        suggest_url(live[-1])
        if hit.detention_suggested and live and access.has_school_perm(request.user, hit.school_id, SET_DETENTION)
        else ""
    )
    return {
        "hit": hit,
        "events": events,
        "set_detention_url": set_detention_url,
        "recipients": list(hit.recipients.select_related("user").order_by("user__last_name")),
        "task": BehaviourRuleTask.objects.filter(hit=hit).select_related("owner", "done_by").first(),
        "letter": letter,
        "sent_form": forms.get("sent_form", LetterSentForm() if letter and not letter.sent_at and can_send else None),
    }


@login_required
def rule_hit_detail(request, code):
    hit = selectors.get_hit_for_user(request.user, code)
    services.hit_seen(user=request.user, hit=hit)
    return render(request, "behaviour/rules/hit_detail.html", _hit_context(request, hit))


@login_required
@require_POST
def rule_task_done(request, code):
    task = BehaviourRuleTask.objects.filter(code=code).select_related("hit").first()
    if task is None:
        raise Http404("No such task")
    hit = selectors.get_hit_for_user(request.user, task.hit.code)
    try:
        services.task_mark(actor=request.user, task=task, done=request.POST.get("done") == "on")
    except PastoralError as exc:
        messages.error(request, str(exc))
    return redirect("behaviour:rule_hit_detail", code=hit.code)


@login_required
@require_POST
def rule_letter_sent(request, code):
    hit = selectors.get_hit_for_user(request.user, code)
    _require(request.user, hit.school_id, "behaviour.record_event")
    letter = getattr(hit, "letter", None)
    if letter is None:
        raise Http404("No letter")
    form = LetterSentForm(request.POST)
    if form.is_valid():
        try:
            services.letter_sent(actor=request.user, letter=letter, **form.cleaned_data)
        except (PastoralError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Recorded that the letter was sent.")
            return redirect("behaviour:rule_hit_detail", code=hit.code)
    return render(request, "behaviour/rules/hit_detail.html", _hit_context(request, hit, sent_form=form), status=400)
