"""The volunteer-service dashboard of a subtree: figures (one query per view, whatever the data),
charts drawn on the server, and the Excel export. The page is volunteers.views_dashboard."""

from .charts import DashboardCharts, dashboard_charts
from .figures import GRANULARITIES, MONTH, WEEK, Dashboard, dashboard
from .workbook import dashboard_workbook

__all__ = [
    "GRANULARITIES",
    "MONTH",
    "WEEK",
    "Dashboard",
    "DashboardCharts",
    "dashboard",
    "dashboard_charts",
    "dashboard_workbook",
]
