from .tasks_help import escalate_overdue_help_requests  # noqa: F401  (autodiscovery)
