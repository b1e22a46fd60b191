"""Operations on the portal's content that change state: reading a notice, recording study."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orgchart import access

MAX_STUDY_MINUTES = 600
MAX_REFLECTION_CHARS = 5000


def record_read(notice, user) -> bool:
    """Mark `notice` read by `user`'s member record, once; True if this was the first read.

    Only an active member in the notice's audience leaves a receipt: the publisher's figures
    count the audience, not visitors of a public notice from elsewhere.
    """
    from .models import NoticePage, NoticeRead

    member = access.member_for(user)
    if member is None or not member.is_active:
        return False
    if not NoticePage.objects.filter(pk=notice.pk).filter(NoticePage.addressed_to_member_q(user)).exists():
        return False
    created = NoticeRead.objects.bulk_create(
        [NoticeRead(notice_id=notice.pk, member_id=member.pk)], ignore_conflicts=True
    )
    return bool(created and created[0].pk)


@transaction.atomic
def record_study(material, *, actor, minutes: int, studied_on: dt.date | None = None, reflection: str = ""):
    """Record that `actor` (a member) studied `material`: time spent and an optional reflection.

    One record per member, material and day: recording again the same day updates it.
    """
    from .models import StudyPage, StudyRecord

    member = access.member_for(actor)
    if member is None or not member.is_active:
        raise PermissionDenied(_("Only party members of the street can record their study."))
    if not StudyPage.visible_to(actor).filter(pk=material.pk).exists():
        raise PermissionDenied(_("You cannot open this study material."))
    studied_on = studied_on or timezone.localdate()
    errors = {}
    if studied_on > timezone.localdate():
        errors["studied_on"] = _("The study date cannot be in the future.")
    if not isinstance(minutes, int) or not 1 <= minutes <= MAX_STUDY_MINUTES:
        errors["minutes"] = _("Give the minutes spent, from 1 to %(max)d.") % {"max": MAX_STUDY_MINUTES}
    reflection = (reflection or "").strip()
    if len(reflection) > MAX_REFLECTION_CHARS:
        errors["reflection"] = _("A reflection has at most %(max)d characters.") % {
            "max": MAX_REFLECTION_CHARS
        }
    if errors:
        raise ValidationError(errors)
    record, _created = StudyRecord.objects.update_or_create(
        member=member,
        material=material,
        studied_on=studied_on,
        defaults={"minutes": minutes, "reflection": reflection},
    )
    return record
