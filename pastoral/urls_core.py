app_name='pastoral'
urlpatterns=[]
