from django.urls import path

from . import portal_views, views

urlpatterns = [
    path("ap/", views.dashboard, name="ap_dashboard"),
    path("ap/settings/", views.ap_settings, name="ap_settings"),
    path("ap/trust/", views.trust_view, name="ap_trust"),
    path("ap/providers/", views.provider_list, name="ap_provider_list"),
    path("ap/providers/new/", views.provider_create, name="ap_provider_create"),
    path("ap/providers/<uuid:code>/", views.provider_detail, name="ap_provider_detail"),
    path("ap/providers/<uuid:code>/edit/", views.provider_edit, name="ap_provider_edit"),
    path("ap/providers/<uuid:code>/sites/new/", views.site_create, name="ap_site_create"),
    path("ap/providers/<uuid:code>/checks/new/", views.check_create, name="ap_check_create"),
    path("ap/providers/<uuid:code>/checks/<uuid:check_code>/document/", views.check_document, name="ap_check_document"),
    path("ap/providers/<uuid:code>/accounts/new/", views.account_create, name="ap_account_create"),
    path(
        "ap/providers/<uuid:code>/accounts/<uuid:account_code>/send-link/",
        views.account_send_link,
        name="ap_account_send_link",
    ),
    path("ap/placements/", views.placement_list, name="ap_placement_list"),
    path("ap/placements/new/", views.placement_create, name="ap_placement_create"),
    path("ap/placements/<uuid:code>/", views.placement_detail, name="ap_placement_detail"),
    path("ap/placements/<uuid:code>/edit/", views.placement_edit, name="ap_placement_edit"),
    path("ap/placements/<uuid:code>/objectives/", views.objective_create, name="ap_objective_create"),
    path("ap/placements/<uuid:code>/shared/", views.share_create, name="ap_share_create"),
    path("ap/placements/<uuid:code>/agreement/", views.agreement_upload, name="ap_agreement_upload"),
    path("ap/placements/<uuid:code>/agreement/file/", views.agreement_file, name="ap_agreement_file"),
    path("ap/placements/<uuid:code>/agree/", views.placement_agree, name="ap_placement_agree"),
    path("ap/placements/<uuid:code>/start/", views.placement_start, name="ap_placement_start"),
    path("ap/placements/<uuid:code>/end/", views.placement_end, name="ap_placement_end"),
    path("ap/placements/<uuid:code>/review/", views.placement_review, name="ap_placement_review"),
    path("ap/placements/<uuid:code>/reports/<uuid:report_code>/", views.report_document, name="ap_report_document"),
    # The provider portal (provider accounts only; see portal.py).
    path("ap/portal/", portal_views.portal, name="ap_portal"),
    path("ap/portal/<uuid:code>/", portal_views.portal_placement, name="ap_portal_placement"),
    path("ap/portal/<uuid:code>/returns/", portal_views.portal_returns, name="ap_portal_returns"),
    path("ap/portal/<uuid:code>/report/", portal_views.portal_report, name="ap_portal_report"),
    path("ap/portal/<uuid:code>/photo/", portal_views.portal_photo, name="ap_portal_photo"),
]
