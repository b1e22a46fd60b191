from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Installed for its `seed_demo` command; it has no models."""

    name = "demo"
    verbose_name = "Demo data"
