"""The demo's dual reporting: reported-in members with logins and hours served in their residence
community, shown on the community's page (shequ) and the home branch's (jiedao, danwei)."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from cobuilding import queries
from cobuilding.models import ReportIn
from orgchart.models import Organisation
from volunteers.models import SignUp

from .test_demo import demo, seeded  # noqa: F401 (fixtures)


def test_reported_in_members_have_logins_and_hours_where_they_live(demo):  # noqa: F811
    year = timezone.localdate().year
    sq01 = Organisation.objects.get(code="SQ01")
    rows = queries.community_report_ins(sq01, year)
    assert any(row.served for row in rows) and any(not row.served for row in rows)
    assert ReportIn.objects.filter(member__user__isnull=False).count() >= 6
    served = next(row for row in rows if row.served)
    home = queries.home_branch_report_ins(served.report_in.member.organisation, year)
    assert sum(row.hours for row in home) > Decimal("0")
    # The first reported-in member signed up for an upcoming community activity (dual reporting).
    assert SignUp.objects.filter(activity__title__endswith="垃圾分类宣传").count() == 1


def test_shequ_and_jiedao_see_hours_on_the_pages(client, demo):  # noqa: F811
    User = get_user_model()
    sq01 = Organisation.objects.get(code="SQ01")
    client.force_login(User.objects.get(username="shequ"))
    page = client.get(reverse("cobuilding_dual:community", args=[sq01.pk]))
    assert page.status_code == 200 and page.context["total"] > 0 and page.context["activities"]
    report = (
        ReportIn.objects.filter(community=sq01, member__user__isnull=False).select_related("member").first()
    )
    client.force_login(User.objects.get(username="jiedao"))
    home = client.get(reverse("cobuilding_dual:home", args=[report.member.organisation_id]))
    assert home.status_code == 200 and home.context["rows"]
    danwei = User.objects.filter(username="danwei").first()
    # danwei is always a unit contact (demo.plans.unit_contact); a post-holder only if the unit has one.
    if danwei is not None and hasattr(danwei, "member"):
        client.force_login(danwei)
        assert client.get(reverse("cobuilding_dual:index")).status_code == 200
