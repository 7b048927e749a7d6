from django.urls import path

from . import views

urlpatterns = [
    path("medicines/", views.agreement_list, name="agreement_list"),
    path("medicines/new/", views.agreement_create, name="agreement_create"),
    path("medicines/<uuid:code>/", views.agreement_detail, name="agreement_detail"),
    path("medicines/<uuid:code>/stock/", views.agreement_stock, name="agreement_stock"),
    path("medicines/<uuid:code>/end/", views.agreement_end, name="agreement_end"),
    path("medicines/<uuid:code>/doses/new/", views.dose_create, name="dose_create"),
    path("medicines/<uuid:code>/round/", views.round_record, name="round_record"),
    path("doses/", views.dose_list, name="dose_list"),
    path("doses/<uuid:code>/", views.dose_detail, name="dose_detail"),
    path("doses/<uuid:code>/parents-told/", views.dose_parents_told, name="dose_parents_told"),
    path("round/", views.medication_round, name="round"),
    path("emergency-kit/", views.kit, name="kit"),
    path("emergency-kit/consent/", views.kit_consent_create, name="kit_consent_create"),
    path("emergency-kit/use/", views.kit_use_create, name="kit_use_create"),
    path("emergency-kit/consent/<uuid:code>/withdraw/", views.kit_consent_withdraw, name="kit_consent_withdraw"),
]
