from django.urls import path

from . import views

urlpatterns = [
    path("rules/", views.rule_list, name="rule_list"),
    path("rules/new/", views.rule_create, name="rule_create"),
    path("rules/alerts/", views.rule_alerts, name="rule_alerts"),
    path("rules/alerts/<uuid:code>/", views.rule_hit_detail, name="rule_hit_detail"),
    path("rules/alerts/<uuid:code>/letter-sent/", views.rule_letter_sent, name="rule_letter_sent"),
    path("rules/tasks/<uuid:code>/done/", views.rule_task_done, name="rule_task_done"),
    path("rules/letters/new/", views.template_create, name="rule_template_create"),
    path("rules/letters/<uuid:code>/", views.template_edit, name="rule_template_edit"),
    path("rules/<uuid:code>/", views.rule_detail, name="rule_detail"),
    path("rules/<uuid:code>/edit/", views.rule_edit, name="rule_edit"),
    path("rules/<uuid:code>/trial/", views.rule_trial, name="rule_trial"),
    path("rules/<uuid:code>/switch/", views.rule_switch, name="rule_switch"),
]
