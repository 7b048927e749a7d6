app_name = "behaviour"

urlpatterns = []
