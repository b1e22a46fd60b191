"""Migrant residents, rented housing and help requests (issue 10)."""
