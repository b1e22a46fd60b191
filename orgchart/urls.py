from .roster_views import urlpatterns as roster_urlpatterns
from .views import urlpatterns as page_urlpatterns

app_name = "orgchart"
urlpatterns = [*page_urlpatterns, *roster_urlpatterns]
