"""Issuing a certificate of hours: what it states is read once from the hours credited to the
holder, stored with a new verification code, and rendered from that record on every download, so
a second download is the same certificate and a code checks against what was issued."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orgchart import access as org_access
from orgchart.queries import street_root

from ..models import HoursCertificate
from ..queries import credited_signups, display_name
from .codes import format_verification_code, new_verification_code, normalise_verification_code
from .pdf import CertificateData, IdentifierKind, render_certificate

MAX_YEARS = 10
CODE_ATTEMPTS = 5


def _identifier(user) -> tuple[str, IdentifierKind]:
    """The masked identifier printed on the certificate: a member's ID number, else a mobile."""
    member = org_access.member_for(user)
    if member is not None and member.id_number_masked:
        return member.id_number_masked, IdentifierKind.ID_NUMBER
    try:
        return user.volunteer.masked_mobile, IdentifierKind.MOBILE
    except ObjectDoesNotExist:
        pass
    if member is not None and member.mobile:
        return member.masked_mobile, IdentifierKind.MOBILE
    return "", IdentifierKind.MOBILE


def _organisation_name(user) -> str:
    member = org_access.member_for(user)
    if member is not None:
        return member.organisation.name
    try:
        return user.volunteer.community.name
    except ObjectDoesNotExist:
        return ""


def check_period(start: dt.date, end: dt.date) -> None:
    today = timezone.localdate()
    if start > end:
        raise ValidationError(_("The start date is after the end date."), code="period")
    if start > today:
        raise ValidationError(_("The period starts in the future."), code="period")
    if end.year - start.year > MAX_YEARS:
        raise ValidationError(
            _("A certificate covers at most %(n)d years.") % {"n": MAX_YEARS}, code="period"
        )


@transaction.atomic
def issue_certificate(*, actor, start: dt.date, end: dt.date) -> HoursCertificate:
    """Issue the actor a certificate of the hours credited to them from `start` to `end`."""
    if actor is None or not actor.is_authenticated:
        raise PermissionDenied(_("Sign in to get a certificate."))
    check_period(start, end)
    signups = list(
        credited_signups(actor, start, end).select_related("activity").order_by("activity__starts_at")
    )
    if not signups:
        raise ValidationError(
            _("You have no service hours credited from %(start)s to %(end)s.")
            % {"start": start.isoformat(), "end": end.isoformat()},
            code="empty",
        )
    rows = [
        [timezone.localtime(s.activity.starts_at).date().isoformat(), s.activity.title, str(s.hours)]
        for s in signups
    ]
    identifier, kind = _identifier(actor)
    street = street_root()
    fields = {
        "person": actor,
        "holder_name": display_name(actor),
        "holder_identifier": identifier,
        "identifier_kind": kind.value,
        "organisation_name": _organisation_name(actor),
        "issuer": street.name if street is not None else "",
        "period_start": start,
        "period_end": end,
        "total_hours": sum((s.hours for s in signups), Decimal(0)),
        "rows": rows,
    }
    for _attempt in range(CODE_ATTEMPTS):
        code = normalise_verification_code(new_verification_code())
        try:
            with transaction.atomic():
                return HoursCertificate.objects.create(code=code, **fields)
        except IntegrityError:  # the same code drawn twice (1 in 2^50): draw again
            continue
    raise ValidationError(_("Could not issue the certificate; please try again."), code="code")


def find_certificate(typed: str) -> HoursCertificate | None:
    """The certificate a typed code names, if any (spaces, dashes and full-width forms allowed)."""
    code = normalise_verification_code(typed or "")[:16]
    if not code:
        return None
    return HoursCertificate.objects.filter(code=code).first()


def certificate_pdf(certificate: HoursCertificate, verification_url: str) -> bytes:
    """The PDF of an issued certificate, from what was stored when it was issued."""
    data = CertificateData(
        holder_name=certificate.holder_name,
        holder_identifier=certificate.holder_identifier,
        identifier_kind=certificate.identifier_kind,
        organisation=certificate.organisation_name,
        period_start=certificate.period_start,
        period_end=certificate.period_end,
        total_hours=certificate.total_hours,
        rows=tuple(
            (dt.date.fromisoformat(day), title, Decimal(hours)) for day, title, hours in certificate.rows
        ),
        issuer=certificate.issuer or certificate.organisation_name or "-",
        issued_on=timezone.localtime(certificate.issued_at).date(),
        verification_code=format_verification_code(certificate.code),
        verification_url=verification_url,
    )
    return render_certificate(data)


def masked_name(name: str) -> str:
    """What the public verification page shows of the holder: 王*明, 李*."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]
