"""Shared machinery that imports no app: subtree queries, masking, dates, API errors, admin bases."""
