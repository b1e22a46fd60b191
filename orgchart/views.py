"""Pages of the organisation chart: node statistics, members, member detail."""

urlpatterns = []
