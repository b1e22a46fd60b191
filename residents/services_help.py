"""Every change of a help request: submit (web form or help line), assign, accept, record
progress, close, escalate. Each takes `actor`, checks it (residents.access_help), validates its
input with a Chinese message (ValidationError) and writes nothing on a refusal. Each step is a
HelpStep row the requester sees on the status page; a requester with a login is also told in the
inbox, and the staff who must act next are told too.

Routing (route_address): each community lists its estates and roads (ServiceArea); the address
is matched against those of the street; the longest name found wins. No name, or names of two
communities equally long: the street's queue, for the street to assign.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.text import hidden_characters, normalise
from inbox import services as inbox
from orgchart import access as org_access
from orgchart.models import Organisation
from orgchart.validators import clean_mobile, clean_name

from . import access_help as access
from . import due
from .models_help import (
    ADDRESS_MAX,
    DESCRIPTION_MAX,
    OUTCOME_MAX,
    HelpChannel,
    HelpRequest,
    HelpStatus,
    HelpStep,
    ServiceArea,
    ServiceItem,
    StepKind,
)

# Tracking codes: 12 characters of an alphabet without look-alikes (0/O, 1/I/L), ~59 bits.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12


# Tracking codes ---------------------------------------------------------------------------------


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def clean_code(value: str | None) -> str:
    """The code as typed (any case, spaces or dashes, full-width) in its canonical form, or ""."""
    raw = "".join(ch for ch in normalise(value).upper() if ch not in " -")
    if len(raw) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in raw):
        return ""
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def code_hash(code: str) -> str:
    """A keyed hash of the code: the database alone does not let anyone follow a request."""
    key = hmac.new(settings.SECRET_KEY.encode(), b"residents.help-code", hashlib.sha256).digest()
    return hmac.new(key, code.encode(), hashlib.sha256).hexdigest()


def find_by_code(value: str | None) -> HelpRequest | None:
    code = clean_code(value)
    if not code:
        return None
    return (
        HelpRequest.objects.select_related("item__series", "community", "street")
        .filter(code_hash=code_hash(code))
        .first()
    )


# Routing ------------------------------------------------------------------------------------


def route_address(address: str, street: Organisation) -> Organisation | None:
    """The community whose estate or road the address names (the longest name found), or None."""
    address = normalise(address)
    found: dict[int, set[int]] = {}
    areas = ServiceArea.objects.filter(
        community__path__startswith=street.path, community__closed_on__isnull=True
    )
    for name, community_id in areas.values_list("name", "community_id"):
        if name and normalise(name) in address:
            found.setdefault(len(name), set()).add(community_id)
    if not found:
        return None
    best = found[max(found)]
    if len(best) != 1:
        return None
    return Organisation.objects.get(pk=best.pop())


# Input ----------------------------------------------------------------------------------------


def _text(value: str | None, field: str, limit: int, *, required_message: str) -> str:
    # Prose keeps its Chinese punctuation (NFKC would turn "，" into ","): stripped only.
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: required_message})
    if len(value) > limit:
        raise ValidationError(
            {
                field: _("At most %(limit)d characters, please; this is %(length)d.")
                % {"limit": limit, "length": len(value)}
            }
        )
    if any(code not in ("U+000A", "U+000D", "U+0009") for code in hidden_characters(value)):
        raise ValidationError({field: _("The text contains invisible or control characters; type it again.")})
    return value


def _item_fits(item: ServiceItem, street: Organisation, community: Organisation | None) -> None:
    org = item.series.organisation
    if not item.active or not org.path.startswith(street.path):
        raise ValidationError({"item": _("Choose a service item offered here.")})
    if community is not None and org.pk not in (community.pk, street.pk):
        raise ValidationError(
            {
                "item": _(
                    "This service item belongs to another community (%(owner)s). Choose one of "
                    "%(community)s or a street-wide item."
                )
                % {"owner": org.name, "community": community.name}
            }
        )


def _requester(actor, channel: str, name: str | None, phone: str | None) -> tuple[str, str]:
    """(name, phone) of whoever asks: a logged-in member's own name, or the name and phone given."""
    errors: dict[str, str] = {}
    member = org_access.member_for(actor) if channel == HelpChannel.WEB else None
    if channel == HelpChannel.WEB and actor is not None and actor.is_authenticated:
        own = member.name if member is not None else (actor.get_full_name() or actor.get_username())
        clean_phone = ""
        if normalise(phone):
            try:
                clean_phone = clean_mobile(phone)
            except ValidationError as exc:
                errors["phone"] = exc.messages[0]
        if errors:
            raise ValidationError(errors)
        return own, clean_phone
    try:
        clean = clean_name(name)
        if not clean:
            errors["name"] = _("Please give the name of the person who needs help.")
        elif len(clean) > 50:
            errors["name"] = _("The name is at most 50 characters.")
    except ValidationError as exc:
        errors["name"] = exc.messages[0]
        clean = ""
    try:
        clean_phone = clean_mobile(phone)
    except ValidationError as exc:
        errors["phone"] = exc.messages[0]
        clean_phone = ""
    if errors:
        raise ValidationError(errors)
    return clean, clean_phone


# Steps and who hears of them ------------------------------------------------------------------


def _step(
    request: HelpRequest, kind: str, actor=None, note: str = "", at: dt.datetime | None = None
) -> HelpStep:
    return HelpStep.objects.create(
        request=request,
        kind=kind,
        note=note,
        actor=actor if actor is not None and actor.is_authenticated else None,
        at=at or timezone.now(),
    )


def _tell_requester(request: HelpRequest, step: HelpStep) -> None:
    if request.requester_user_id is None:
        return  # an anonymous requester reads every step on the status page by tracking code
    inbox.notify(
        inbox.cause_key("help-request", request.pk, f"{step.kind}-{step.pk}"),
        [request.requester_user_id],
        title=_("Your help request (%(item)s): %(step)s")
        % {"item": request.item.name, "step": step.get_kind_display()},
        summary=step.note[:200],
        url=reverse("help:mine"),
    )


def _tell_staff(request: HelpRequest, step: HelpStep, org: Organisation) -> None:
    inbox.notify(
        inbox.cause_key("help-request", request.pk, f"staff-{step.kind}-{step.pk}"),
        org_access.manager_users(org),
        title=_("Help request to answer (%(item)s): %(step)s")
        % {"item": request.item.name, "step": step.get_kind_display()},
        summary=request.address,
        url=reverse("residents_help:detail", args=[request.pk]),
    )


# Operations -----------------------------------------------------------------------------------


def submit_request(
    *,
    actor,
    street: Organisation,
    item: ServiceItem | None,
    description: str | None,
    address: str | None,
    name: str | None = None,
    phone: str | None = None,
    channel: str = HelpChannel.WEB,
) -> tuple[HelpRequest, str]:
    """File a help request; returns it and its tracking code (shown once: only its hash is kept).

    Web form: a logged-in member (their own name), or anyone with a name and a mobile. Help line
    (channel "phone"): recorded by a post-holder of the street or a community, with the caller's
    name and mobile. Routed by the address (route_address); due by the item's answer time from
    now (residents.due: hours, or working days), computed once here."""
    if channel not in HelpChannel.values:
        raise ValidationError({"channel": _("Unknown channel.")})
    if channel == HelpChannel.PHONE and not access.may_record_calls(actor, street):
        raise PermissionDenied(_("Only post-holders of the street or a community record help-line calls."))
    errors: dict[str, list[str]] = {}
    try:
        who, mobile = _requester(actor, channel, name, phone)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        description = _text(
            description, "description", DESCRIPTION_MAX, required_message=_("Please say what help is needed.")
        )
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        address = _text(address, "address", ADDRESS_MAX, required_message=_("Please give the address."))
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if item is None:
        errors["item"] = [_("Choose a service item.")]
    if errors:
        raise ValidationError(errors)
    community = route_address(address, street)
    _item_fits(item, street, community)
    code = new_code()
    now = timezone.now()
    with transaction.atomic():
        request = HelpRequest(
            street=street,
            community=community,
            item=item,
            description=description,
            address=address,
            channel=channel,
            requester_user=actor
            if channel == HelpChannel.WEB and actor is not None and actor.is_authenticated
            else None,
            requester_name=who,
            recorded_by=actor if channel == HelpChannel.PHONE else None,
            code_hash=code_hash(code),
            due_at=due.due_at(item, now),
            created_at=now,
        )
        request.set_phone(mobile)
        request.save()
        step = _step(request, StepKind.SUBMITTED, actor if channel == HelpChannel.PHONE else None, at=now)
        _tell_requester(request, step)
        _tell_staff(request, step, request.answering_organisation)
    return request, code


def _locked(request: HelpRequest) -> HelpRequest:
    return (
        HelpRequest.objects.select_for_update(of=("self",))
        .select_related("item__series__organisation", "community", "street")
        .get(pk=request.pk)
    )


def _closed_refusal(request: HelpRequest) -> None:
    if request.status == HelpStatus.CLOSED:
        raise ValidationError(_("This help request is closed already; nothing more can be done to it."))


def assign(request: HelpRequest, community: Organisation | None, *, actor) -> HelpRequest:
    """The street passes a request (from its queue, or not yet accepted) to one of its communities."""
    with transaction.atomic():
        request = _locked(request)
        if not access.can_assign(actor, request):
            raise PermissionDenied(_("Only the street's post-holders assign help requests."))
        _closed_refusal(request)
        if request.status != HelpStatus.NEW:
            raise ValidationError(_("This request was accepted already; it stays with its community."))
        if community is None or not access.communities_of(request.street).filter(pk=community.pk).exists():
            raise ValidationError({"community": _("Choose a community of this street.")})
        if community.pk == request.community_id:
            raise ValidationError({"community": _("The request is with this community already.")})
        owner = request.item.series.organisation
        if owner.pk not in (community.pk, request.street_id):
            raise ValidationError(
                {
                    "community": _("The service item belongs to %(owner)s: assign it there.")
                    % {"owner": owner.name}
                }
            )
        request.community = community
        request.save(update_fields=["community"])
        step = _step(request, StepKind.ASSIGNED, actor, note=community.name)
        _tell_requester(request, step)
        _tell_staff(request, step, community)
    return request


def accept(request: HelpRequest, *, actor) -> HelpRequest:
    with transaction.atomic():
        request = _locked(request)
        if not access.can_handle(actor, request):
            raise PermissionDenied(_("Only the answering community's post-holders accept this request."))
        _closed_refusal(request)
        if request.status != HelpStatus.NEW:
            raise ValidationError(_("This request was accepted already."))
        now = timezone.now()
        request.status, request.accepted_at, request.accepted_by = HelpStatus.ACCEPTED, now, actor
        request.save(update_fields=["status", "accepted_at", "accepted_by"])
        _tell_requester(request, _step(request, StepKind.ACCEPTED, actor, at=now))
    return request


def record_progress(request: HelpRequest, note: str | None, *, actor) -> HelpRequest:
    with transaction.atomic():
        request = _locked(request)
        if not access.can_handle(actor, request):
            raise PermissionDenied(_("Only the answering community's post-holders handle this request."))
        _closed_refusal(request)
        if request.status == HelpStatus.NEW:
            raise ValidationError(_("Accept the request first."))
        note = _text(note, "note", OUTCOME_MAX, required_message=_("Please say what was done."))
        request.status = HelpStatus.IN_PROGRESS
        request.save(update_fields=["status"])
        _tell_requester(request, _step(request, StepKind.PROGRESS, actor, note=note))
    return request


def close(request: HelpRequest, outcome: str | None, *, actor) -> HelpRequest:
    with transaction.atomic():
        request = _locked(request)
        if not access.can_handle(actor, request):
            raise PermissionDenied(_("Only the answering community's post-holders close this request."))
        _closed_refusal(request)
        if request.status == HelpStatus.NEW:
            raise ValidationError(_("Accept the request first."))
        outcome = _text(
            outcome, "outcome", OUTCOME_MAX, required_message=_("Please record the outcome before closing.")
        )
        now = timezone.now()
        request.status, request.closed_at, request.closed_by, request.outcome = (
            HelpStatus.CLOSED,
            now,
            actor,
            outcome,
        )
        request.save(update_fields=["status", "closed_at", "closed_by", "outcome"])
        _tell_requester(request, _step(request, StepKind.CLOSED, actor, note=outcome, at=now))
    return request


def escalate_overdue(now: dt.datetime | None = None) -> list[int]:
    """Pass every open request past its due time to the street, once: a conditional update claims
    it (escalated_at still empty), so a rerun or a second worker escalates nothing twice. The
    requester (with a login) is told, and in one message each the post-holders of the answering
    community and of the street (orgchart.access.manager_users reads the rule upwards: the
    community's managers include the street's). Returns the ids escalated."""
    now = now or timezone.now()
    done: list[int] = []
    candidates = list(
        HelpRequest.objects.overdue(now).filter(escalated_at__isnull=True).values_list("pk", flat=True)[:500]
    )
    for pk in candidates:
        with transaction.atomic():
            if (
                not HelpRequest.objects.filter(pk=pk, escalated_at__isnull=True)
                .open()
                .update(escalated_at=now)
            ):
                continue
            request = HelpRequest.objects.select_related("item", "street", "community").get(pk=pk)
            try:
                with transaction.atomic():
                    step = _step(
                        request,
                        StepKind.ESCALATED,
                        note=_("Due %(due)s.")
                        % {"due": timezone.localtime(request.due_at).strftime("%Y-%m-%d %H:%M")},
                        at=now,
                    )
            except IntegrityError:  # escalated once already (the constraint): nothing more
                continue
            _tell_requester(request, step)
            _tell_staff(request, step, request.answering_organisation)
            done.append(pk)
    return done
