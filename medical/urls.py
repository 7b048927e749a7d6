app_name = "medical"

urlpatterns = []
