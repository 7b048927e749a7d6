from django.urls import path

from . import views

urlpatterns = [
    path("accidents/", views.accident_list, name="accident_list"),
    path("accidents/new/", views.accident_create, name="accident_create"),
    path("accidents/trends/", views.accident_trends, name="accident_trends"),
    path("accidents/<uuid:code>/", views.accident_detail, name="accident_detail"),
    path("accidents/<uuid:code>/parents/", views.accident_informed, name="accident_informed"),
    path("accidents/<uuid:code>/riddor/", views.accident_riddor, name="accident_riddor"),
    path("accidents/<uuid:code>/void/", views.accident_void, name="accident_void"),
]
