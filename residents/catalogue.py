"""The service catalogue's writes: series and items, created, edited, stopped and deleted by the
admin (residents.viewsets_help) through these functions only.

Each takes `actor` and checks it with access_help's rule (a community's post-holders edit their
community's catalogue; the street's edit every community's and the street-wide series), validates
its input with a Chinese message (ValidationError naming the field) and writes nothing on a
refusal. An item that requests point at is never deleted: it is stopped (untick "offered"), which
takes it off the public form and keeps its requests, history and figures. Only an unused item, or
a series none of whose items was used, is deleted.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models.deletion import ProtectedError
from django.utils.translation import gettext as _

from core.text import hidden_characters, normalise
from orgchart.models import Organisation

from . import access_help as access
from .models_help import (
    DUE_HOURS_MAX,
    DUE_WORKING_DAYS_MAX,
    DueUnit,
    HelpRequest,
    ServiceItem,
    ServiceSeries,
)

ORDER_MAX = 32767
DESCRIPTION_MAX = 1000


def _refuse_unless_editable(actor, org: Organisation | None) -> None:
    if org is None or not access.catalogue_organisations(actor).filter(pk=org.pk).exists():
        raise PermissionDenied(_("You may edit the service catalogue of your own community only."))


def _name(value, field_max: int) -> str:
    value = normalise(value).strip()
    if not value:
        raise ValidationError({"name": _("Please give a name.")})
    if len(value) > field_max:
        raise ValidationError({"name": _("The name is at most %(limit)d characters.") % {"limit": field_max}})
    if hidden_characters(value):
        raise ValidationError(
            {"name": _("The text contains invisible or control characters; type it again.")}
        )
    return value


def _number(value, field: str, low: int, high: int, message: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = None
    if number is None or not low <= number <= high:
        raise ValidationError({field: message % {"low": low, "high": high}})
    return number


def _order(value) -> int:
    return _number(
        value or 0, "order", 0, ORDER_MAX, _("The order is a whole number from %(low)d to %(high)d.")
    )


# Series ---------------------------------------------------------------------------------------


def save_series(
    *, actor, organisation: Organisation | None, name, order=0, series: ServiceSeries | None = None
) -> ServiceSeries:
    """Create a series (series=None) or change one: the organisation (a community, or the street for
    street-wide items) must be one `actor` edits, and so must the series' present one."""
    if series is not None and series.pk:
        _refuse_unless_editable(actor, ServiceSeries.objects.get(pk=series.pk).organisation)
    _refuse_unless_editable(actor, organisation)
    name = _name(name, ServiceSeries._meta.get_field("name").max_length)
    order = _order(order)
    taken = ServiceSeries.objects.filter(organisation=organisation, name=name)
    if series is not None and series.pk:
        taken = taken.exclude(pk=series.pk)
    if taken.exists():
        raise ValidationError(
            {
                "name": _("%(organisation)s has a series named %(name)s already.")
                % {"organisation": organisation.name, "name": name}
            }
        )
    series = series if series is not None else ServiceSeries()
    series.organisation, series.name, series.order = organisation, name, order
    try:
        with transaction.atomic():
            series.save()
    except IntegrityError as exc:  # the same name saved meanwhile
        raise ValidationError({"name": _("This name is taken; choose another.")}) from exc
    return series


def series_refusal(series: ServiceSeries) -> str | None:
    """Why `series` may not be deleted, or None."""
    if HelpRequest.objects.filter(item__series=series).exists():
        return _(
            "Help requests were filed for items of this series: it cannot be deleted. Stop offering its "
            "items instead (untick “offered”)."
        )
    return None


def delete_series(series: ServiceSeries, *, actor) -> None:
    """Delete a series and its items, if no request was ever filed for any of them."""
    with transaction.atomic():
        series = ServiceSeries.objects.select_for_update().select_related("organisation").get(pk=series.pk)
        _refuse_unless_editable(actor, series.organisation)
        if reason := series_refusal(series):
            raise ValidationError(reason)
        try:
            series.items.all().delete()
            series.delete()
        except (ProtectedError, IntegrityError) as exc:
            raise ValidationError(series_refusal(series) or _("It is in use and cannot be deleted.")) from exc


# Items ----------------------------------------------------------------------------------------


def save_item(
    *,
    actor,
    series: ServiceSeries | None,
    name,
    description="",
    due_unit=DueUnit.HOURS,
    due_hours=72,
    due_working_days=3,
    active=True,
    order=0,
    item: ServiceItem | None = None,
) -> ServiceItem:
    """Create an item (item=None) or change one. Its answer time: 1–720 hours, or 1–60 working
    days. Unticking `active` stops offering it; ticking it again offers it again."""
    if item is not None and item.pk:
        _refuse_unless_editable(
            actor,
            ServiceItem.objects.select_related("series__organisation").get(pk=item.pk).series.organisation,
        )
    if series is None:
        raise ValidationError({"series": _("Choose a series.")})
    _refuse_unless_editable(actor, series.organisation)
    errors: dict[str, list[str]] = {}

    def check(fn, *args):
        try:
            return fn(*args)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors.setdefault(field, []).extend(messages)
            return None

    name = check(_name, name, ServiceItem._meta.get_field("name").max_length)
    description = (description or "").strip()
    if len(description) > DESCRIPTION_MAX:
        errors["description"] = [
            _("At most %(limit)d characters, please; this is %(length)d.")
            % {"limit": DESCRIPTION_MAX, "length": len(description)}
        ]
    elif any(code not in ("U+000A", "U+000D", "U+0009") for code in hidden_characters(description)):
        errors["description"] = [_("The text contains invisible or control characters; type it again.")]
    if due_unit not in DueUnit.values:
        errors["due_unit"] = [_("Choose hours or working days.")]
    hours = check(
        _number, due_hours, "due_hours", 1, DUE_HOURS_MAX, _("The answer time is %(low)d to %(high)d hours.")
    )
    days = check(
        _number,
        due_working_days,
        "due_working_days",
        1,
        DUE_WORKING_DAYS_MAX,
        _("The answer time is %(low)d to %(high)d working days."),
    )
    order = check(_order, order)
    if errors:
        raise ValidationError(errors)
    taken = ServiceItem.objects.filter(series=series, name=name)
    if item is not None and item.pk:
        taken = taken.exclude(pk=item.pk)
    if taken.exists():
        raise ValidationError(
            {
                "name": _("The series %(series)s has an item named %(name)s already.")
                % {"series": series.name, "name": name}
            }
        )
    item = item if item is not None else ServiceItem()
    item.series, item.name, item.description, item.due_unit = series, name, description, due_unit
    item.due_hours, item.due_working_days, item.active, item.order = hours, days, bool(active), order
    try:
        with transaction.atomic():
            item.save()
    except IntegrityError as exc:
        raise ValidationError({"name": _("This name is taken; choose another.")}) from exc
    return item


def stop_offering(item: ServiceItem, *, actor) -> ServiceItem:
    """Take an item off the public form; its requests, history and figures stay."""
    with transaction.atomic():
        item = (
            ServiceItem.objects.select_for_update(of=("self",))
            .select_related("series__organisation")
            .get(pk=item.pk)
        )
        _refuse_unless_editable(actor, item.series.organisation)
        if item.active:
            item.active = False
            item.save(update_fields=["active"])
    return item


def item_refusal(item: ServiceItem) -> str | None:
    """Why `item` may not be deleted, or None."""
    if HelpRequest.objects.filter(item=item).exists():
        return _(
            "Help requests were filed for this item: it cannot be deleted. Stop offering it instead "
            "(untick “offered”): it leaves the public form and keeps its history."
        )
    return None


def delete_item(item: ServiceItem, *, actor) -> None:
    """Delete an item no request was ever filed for."""
    with transaction.atomic():
        item = (
            ServiceItem.objects.select_for_update(of=("self",))
            .select_related("series__organisation")
            .get(pk=item.pk)
        )
        _refuse_unless_editable(actor, item.series.organisation)
        if reason := item_refusal(item):
            raise ValidationError(reason)
        try:
            item.delete()
        except (ProtectedError, IntegrityError) as exc:
            raise ValidationError(item_refusal(item) or _("It is in use and cannot be deleted.")) from exc
