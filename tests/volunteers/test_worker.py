"""expire_offers on a REAL Celery worker: run twice, it passes an expired offer on once."""

from __future__ import annotations

import datetime as dt

import pytest
from celery.signals import task_postrun
from django.utils import timezone

from inbox.models import FanOut
from orgchart.models import OrgKind
from tests.celery_worker import wait_for
from tests.factories.orgchart import MemberFactory, UserFactory, make_org
from tests.factories.volunteers import make_activity
from volunteers import services
from volunteers.models import SignUp, SignUpStatus


@pytest.mark.django_db(transaction=True)
def test_expire_offers_on_the_worker_twice_acts_once(celery_worker):
    from volunteers.tasks import expire_offers

    street = make_org(None, OrgKind.STREET, code="W-JD")
    community = make_org(street, OrgKind.COMMUNITY, code="W-SQ")
    branch = make_org(community, OrgKind.BRANCH, code="W-ZB")
    users = []
    for i in range(3):
        user = UserFactory(username=f"w{i}")
        MemberFactory(organisation=branch, user=user)
        users.append(user)
    activity = make_activity(community, capacity=1)
    first, second, third = (services.sign_up(activity, actor=u) for u in users)
    services.cancel_signup(first, actor=users[0])
    SignUp.objects.filter(pk=second.pk).update(offer_expires_at=timezone.now() - dt.timedelta(minutes=1))

    results: list = []

    def record(sender=None, retval=None, **kwargs):
        if sender is not None and sender.name == expire_offers.name:
            results.append(retval)

    task_postrun.connect(record, weak=False, dispatch_uid="test-expire-offers")
    try:
        expire_offers.delay()
        expire_offers.delay()
        assert wait_for(lambda: len(results) == 2, timeout=60)
    finally:
        task_postrun.disconnect(dispatch_uid="test-expire-offers")

    assert results == [[second.pk], []]
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.status == SignUpStatus.DECLINED
    assert third.status == SignUpStatus.OFFERED
    assert FanOut.objects.filter(cause_key=f"waitlist:{third.pk}:offer").count() == 1
    assert FanOut.objects.filter(cause_key=f"waitlist:{second.pk}:expired").count() == 1
