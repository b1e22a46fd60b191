"""A ModelViewSet whose views are scoped by the model's permission policy."""

from __future__ import annotations

from django.contrib.auth.models import Permission
from django.urls import path
from wagtail.admin.viewsets.model import ModelViewSet

from .views import ScopedHistoryView, ScopedInspectView


class ScopedModelViewSet(ModelViewSet):
    """Common ground: no copy, no usage page, no Django permission rows (the access rule decides).

    `extra_views` maps a URL name to (view class, URL suffix) for actions on one object; each view
    gets `<name>_url_name`. `read_only` keeps only the listing (and inspect, if enabled).
    """

    copy_view_enabled = False
    history_view_class = ScopedHistoryView
    inspect_view_class = ScopedInspectView
    extra_views: dict[str, tuple[type, str]] = {}
    read_only = False

    def get_common_view_kwargs(self, **kwargs):
        view_kwargs = super().get_common_view_kwargs(**kwargs)
        view_kwargs["usage_url_name"] = None
        for name in self.extra_views:
            view_kwargs[f"{name}_url_name"] = self.get_url_name(name)
        if self.read_only:
            view_kwargs.update(
                add_url_name=None, edit_url_name=None, delete_url_name=None, history_url_name=None
            )
        return view_kwargs

    def get_permissions_to_register(self):
        return Permission.objects.none()

    def register_admin_url_finder(self):
        if not self.read_only:
            super().register_admin_url_finder()

    def get_urlpatterns(self):
        if self.read_only:
            urlpatterns = [
                path("", self.index_view, name="index"),
                path("results/", self.index_results_view, name="index_results"),
            ]
            if self.inspect_view_enabled:
                urlpatterns.append(path("inspect/<int:pk>/", self.inspect_view, name="inspect"))
        else:
            urlpatterns = [p for p in super().get_urlpatterns() if p.name != "usage"]
        for name, (view_class, suffix) in self.extra_views.items():
            view = self.construct_view(view_class)
            urlpatterns.append(path(f"{suffix}/<int:pk>/", view, name=name))
        return urlpatterns
