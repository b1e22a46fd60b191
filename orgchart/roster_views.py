"""Members roster import and export pages."""

urlpatterns = []
