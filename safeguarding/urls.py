from django.urls import path

from . import views
from .adults.urls import urlpatterns as adults
from .team.urls import urlpatterns as team

app_name = "safeguarding"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("raise/", views.concern_create, name="concern_create"),
    path("raise/pupils/", views.pupil_picker, name="pupil_picker"),
    path("mine/", views.my_concerns, name="my_concerns"),
    path("concerns/", views.concern_list, name="concern_list"),
    path("concerns/<uuid:code>/", views.concern_detail, name="concern_detail"),
    path("concerns/<uuid:code>/receipt/", views.concern_receipt, name="concern_receipt"),
    path("concerns/<uuid:code>/files/<uuid:attachment_code>/", views.attachment_download, name="attachment"),
    path("concerns/<uuid:code>/assign/", views.concern_assign, name="concern_assign"),
    path("concerns/<uuid:code>/triage/", views.concern_triage, name="concern_triage"),
    path("concerns/<uuid:code>/actions/", views.action_add, name="action_add"),
    path("concerns/<uuid:code>/actions/<uuid:action_code>/done/", views.action_complete, name="action_complete"),
    path("concerns/<uuid:code>/notes/", views.note_add, name="note_add"),
    path("concerns/<uuid:code>/link/", views.concern_link, name="concern_link"),
    path("concerns/<uuid:code>/close/", views.concern_close, name="concern_close"),
    path("concerns/<uuid:code>/amend/", views.concern_amend, name="concern_amend"),
    path("concerns/<uuid:code>/share/", views.concern_share, name="concern_share"),
    path("concerns/<uuid:code>/share/<uuid:user_code>/revoke/", views.concern_unshare, name="concern_unshare"),
    path("concerns/<uuid:code>/referrals/", views.referral_create, name="referral_create"),
    path("referrals/", views.referral_list, name="referral_list"),
    path("referrals/<uuid:code>/", views.referral_detail, name="referral_detail"),
    path("pupils/<uuid:code>/chronology/", views.pupil_chronology, name="pupil_chronology"),
    path("transfers/", views.transfer_list, name="transfer_list"),
    path("transfers/new/", views.transfer_create, name="transfer_create"),
    path("transfers/<uuid:code>/", views.transfer_detail, name="transfer_detail"),
    path("transfers/<uuid:code>/sent/", views.transfer_sent, name="transfer_sent"),
    path("transfers/<uuid:code>/receipt/", views.transfer_receipt, name="transfer_receipt"),
    path("incoming/new/", views.incoming_upload, name="incoming_upload"),
    path("incoming/expected/", views.expected_create, name="expected_create"),
    path("incoming/expected/<uuid:code>/chase/", views.expected_chase, name="expected_chase"),
    path("incoming/expected/<uuid:code>/close/", views.expected_close, name="expected_close"),
    path("incoming/<uuid:code>/", views.incoming_download, name="incoming_download"),
    path("categories/", views.category_list, name="category_list"),
    path("escalation/", views.escalation_settings, name="escalation_settings"),
    path("categories/new/", views.category_form, name="category_create"),
    path("categories/<uuid:code>/", views.category_form, name="category_edit"),
    *team,
    *adults,
]
