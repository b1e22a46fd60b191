"""Wagtail admin bases every app's admin builds on; imports no app.

- `policies`: `AccessRulePolicy(Model, org_field="organiser")`, a permission policy answering
  from the project's access rule for the organisation a row points at.
- `views`: scoped listing / object mixins, `ObjectFormView` (a small form acting on one object
  through a service), `ServiceSaveMixin` and `ServiceDeleteMixin` (create, edit and delete views
  whose write is a service call, built on Wagtail's `save_instance` / `delete_action` hooks).
- `forms`: `add_service_error` and `ServiceErrorsMixin`, a service's ValidationError or
  PermissionDenied shown on the form.
- `filters`: the filterset base of admin listings.
- `viewsets`: `ScopedModelViewSet`, a ModelViewSet whose views use the above.

The access rule is named by the setting `PORTAL_ACCESS_RULE` (see `policies`).
"""
