"""The Wagtail page types, one module per page type."""

from .base import LoginRequiredPage
from .home import HomePage
from .orgchart import OrgChartPage

__all__ = ["HomePage", "LoginRequiredPage", "OrgChartPage"]
