"""JSON API under /api/."""

urlpatterns = []
