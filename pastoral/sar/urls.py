from django.urls import path

from . import pack_views, views

urlpatterns = [
    path("subject-access/", views.sar_list, name="sar_list"),
    path("pupils/<uuid:code>/subject-access/new/", views.sar_create, name="sar_create"),
    path("subject-access/<uuid:code>/", views.sar_detail, name="sar_detail"),
    path("subject-access/<uuid:code>/identity/", views.sar_identity, name="sar_identity"),
    path("subject-access/<uuid:code>/extend/", views.sar_extend, name="sar_extend"),
    path("subject-access/<uuid:code>/close/", views.sar_close, name="sar_close"),
]

item = "subject-access/<uuid:code>/pack/items/<uuid:item>/"
urlpatterns += [
    path("subject-access/<uuid:code>/pack/", pack_views.pack_detail, name="sar_pack"),
    path("subject-access/<uuid:code>/pack/build/", pack_views.pack_build, name="sar_pack_build"),
    path("subject-access/<uuid:code>/pack/release/", pack_views.pack_release, name="sar_pack_release"),
    path("subject-access/<uuid:code>/pack/files/", pack_views.pack_files, name="sar_pack_files"),
    path("subject-access/<uuid:code>/pack/safeguarding/", pack_views.pack_safeguarding, name="sar_pack_safeguarding"),
    path(item, pack_views.pack_item, name="sar_pack_item"),
    path(f"{item}withhold/", pack_views.pack_item_withhold, name="sar_pack_item_withhold"),
    path(f"{item}restore/", pack_views.pack_item_restore, name="sar_pack_item_restore"),
    path(f"{item}redact/", pack_views.pack_item_redact, name="sar_pack_item_redact"),
    path(f"{item}review/", pack_views.pack_item_review, name="sar_pack_item_review"),
    path(
        f"{item}redactions/<int:redaction>/remove/",
        pack_views.pack_redaction_remove,
        name="sar_pack_redaction_remove",
    ),
]
