app_name = "provision"

urlpatterns = []
