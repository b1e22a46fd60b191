"""The portal's URLs plus two yardsticks that do nothing, through the same middleware:

- /bench/bare/: a Django view returning "ok";
- /bench/api-noop/: a DRF view (POST) with the API's own authentication, permission and
  throttling, answering {"ok": true}.
"""

from django.http import HttpResponse
from django.urls import path
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.urls import urlpatterns as portal_urlpatterns


def bare(request):
    return HttpResponse(b"ok", content_type="text/plain")


class ApiNoop(APIView):
    def post(self, request):
        return Response({"ok": True}, status=201)


urlpatterns = [path("bench/bare/", bare), path("bench/api-noop/", ApiNoop.as_view()), *portal_urlpatterns]
