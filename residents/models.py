"""Migrant residents, rented housing and help requests (issue 10)."""

from .models_help import HelpRequest, HelpStep, ServiceArea, ServiceItem, ServiceSeries  # noqa: E402, F401
