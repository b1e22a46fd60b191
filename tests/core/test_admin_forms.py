"""core.admin.forms and core.admin.filters: a service's errors land on the form; listing filters."""

from __future__ import annotations

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError

from core.admin.filters import AdminFilterSet, isnull_filter
from core.admin.forms import add_service_error
from orgchart.models import Organisation, OrgKind
from tests.factories.orgchart import make_org


class ExampleForm(forms.Form):
    field_aliases = {"password": "password1"}
    organisation = forms.CharField(required=False)
    password1 = forms.CharField(required=False)


def bound_form() -> ExampleForm:
    form = ExampleForm(data={})
    form.is_valid()
    return form


def test_error_on_a_foreign_key_column_lands_on_the_field_of_that_name():
    form = bound_form()
    add_service_error(form, ValidationError({"organisation_id": ["不存在"]}))
    assert form.errors == {"organisation": ["不存在"]}


def test_error_under_a_service_argument_name_lands_on_the_aliased_field():
    form = bound_form()
    add_service_error(form, ValidationError({"password": ["太短"]}))
    assert form.errors == {"password1": ["太短"]}


def test_error_naming_a_field_the_form_lacks_goes_on_top():
    form = bound_form()
    add_service_error(form, ValidationError({"code": ["重复"]}))
    assert form.errors == {NON_FIELD_ERRORS: ["重复"]}


def test_permission_denied_goes_on_top_with_its_message():
    form = bound_form()
    add_service_error(form, PermissionDenied("不可以"))
    assert form.errors == {NON_FIELD_ERRORS: ["不可以"]}


class OrganisationStatusFilterSet(AdminFilterSet):
    status = isnull_filter("closed_on", "状态", empty=("open", "开"), filled=("closed", "关"))

    class Meta:
        model = Organisation
        fields = []


def test_isnull_filter_splits_on_an_empty_date(street):
    closed = make_org(street["community1"], OrgKind.BRANCH, name="已撤销")
    Organisation.objects.filter(pk=closed.pk).update(closed_on="2024-01-01")
    everything = Organisation.objects.all()

    def filtered(value):
        return set(OrganisationStatusFilterSet({"status": value}, queryset=everything).qs)

    assert filtered("closed") == {closed}
    assert closed not in filtered("open") and len(filtered("open")) == everything.count() - 1
    assert filtered("") == set(everything)
