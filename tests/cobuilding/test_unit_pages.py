"""The unit's own co-building page (/cobuilding/unit/): a unit contact or a unit party
organisation's post-holder reads their unit's agreements, resources and the needs published to
it, never another unit's; anyone else gets 403; queries do not grow with data."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import translation

from cobuilding import services
from demo.tables import DEMO_PASSWORD
from tests.factories.cobuilding import make_agreement, make_need, make_resource
from tests.factories.orgchart import UserFactory, make_post_holder

from .test_demo import demo, seeded  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

URL = "/cobuilding/unit/"


@pytest.fixture
def hospital_contact(units):
    user = UserFactory(username="yiyuan")
    services.add_unit_contact(actor=None, user=user, unit_org=units["hospital"])
    return user


@pytest.fixture
def company_contact(units):
    user = UserFactory(username="gongsi")
    services.add_unit_contact(actor=None, user=user, outside_unit=units["company"])
    return user


def _rows(street, units, n: int = 1) -> dict[str, list]:
    """n agreements, resources and published needs for each of hospital, school and company."""
    made: dict[str, list] = {"agreements": [], "resources": [], "needs": []}
    for unit_key in ("hospital", "school", "company"):
        unit = units[unit_key]
        for i in range(n):
            made["agreements"].append(
                (
                    unit_key,
                    make_agreement(
                        street["community1"],
                        unit,
                        starts_on=dt.date(2010 + i, 1, 1),
                        ends_on=dt.date(2010 + i, 12, 31),
                        community_contact=f"张{i}",
                    ),
                )
            )
            made["resources"].append(
                (unit_key, make_resource(street["community2"], unit, description=f"{unit_key}{i}"))
            )
            made["needs"].append(
                (
                    unit_key,
                    make_need(street["community1"], description=f"需{unit_key}{i}", published_to=[unit]),
                )
            )
    return made


def _ids(page, testid: str) -> set[int]:
    html = page.content.decode()
    return {int(m) for m in re.findall(rf'data-testid="{testid}" data-id="(\d+)"', html)}


def _expected(made, key: str, unit_keys: set[str]) -> set[int]:
    return {row.pk for unit_key, row in made[key] if unit_key in unit_keys}


def test_contact_sees_only_their_units_rows(client, street, units, hospital_contact, company_contact):
    made = _rows(street, units)
    hidden = make_need(street["community1"], description="未发布")
    both = make_need(
        street["community2"], description="两家都有", published_to=[units["hospital"], units["school"]]
    )
    client.force_login(hospital_contact)
    page = client.get(URL)
    assert page.status_code == 200
    assert _ids(page, "agreement") == _expected(made, "agreements", {"hospital"})
    assert _ids(page, "resource") == _expected(made, "resources", {"hospital"})
    assert _ids(page, "need") == _expected(made, "needs", {"hospital"}) | {both.pk}
    assert hidden.pk not in _ids(page, "need")
    assert "区中心医院党委" in page.content.decode() and "实验小学党支部" not in page.content.decode()
    client.force_login(company_contact)
    page = client.get(URL)
    assert _ids(page, "agreement") == _expected(made, "agreements", {"company"})
    assert _ids(page, "resource") == _expected(made, "resources", {"company"})
    assert _ids(page, "need") == _expected(made, "needs", {"company"})


def test_unit_post_holder_sees_their_unit_and_a_contact_of_two_units_both(
    client, street, units, company_contact
):
    made = _rows(street, units)
    holder = make_post_holder(units["school"], "xiaozhang")
    client.force_login(holder)
    page = client.get(URL)
    assert page.status_code == 200
    assert _ids(page, "agreement") == _expected(made, "agreements", {"school"})
    assert _ids(page, "need") == _expected(made, "needs", {"school"})
    # The company's contact who also holds the school's post sees both units, nothing else.
    services.add_unit_contact(actor=None, user=holder, outside_unit=units["company"])
    page = client.get(URL)
    assert _ids(page, "resource") == _expected(made, "resources", {"school", "company"})
    assert page.context["many_units"]


def test_everyone_else_gets_403(client, street, units, roles):
    make_agreement(street["community1"], units["hospital"])
    assert client.get(URL).status_code == 302  # to the login page
    for user in (UserFactory(username="nobody"), roles["community_secretary"], roles["street_secretary"]):
        client.force_login(user)
        with translation.override("en"):
            page = client.get(URL)
        assert page.status_code == 403
        assert "只有共建单位的联系人和单位党组织负责人可以查看本页面" in page.context["exception"]
    # A unit contact whose login was switched off sees nothing either.
    inactive = UserFactory(username="off")
    services.add_unit_contact(actor=None, user=inactive, unit_org=units["hospital"])
    client.force_login(inactive)
    inactive.is_active = False
    inactive.save()
    assert client.get(URL).status_code in (302, 403)


def test_post_in_a_unit_of_another_street_shows_only_that_unit(client, street, units):
    made = _rows(street, units)
    foreign = make_post_holder(units["foreign"], "waijie")
    client.force_login(foreign)
    page = client.get(URL)
    assert page.status_code == 200
    assert not _ids(page, "agreement") and not _ids(page, "resource") and not _ids(page, "need")
    assert made["agreements"]


def test_the_nav_links_the_page_for_contacts_only(client, street, units, hospital_contact):
    with translation.override("en"):
        client.force_login(hospital_contact)
        assert URL in client.get(reverse("search")).content.decode()
        client.force_login(UserFactory(username="plain"))
        assert URL not in client.get(reverse("search")).content.decode()


@pytest.mark.parametrize("n", [1, 10])
def test_queries_do_not_grow_with_data(client, street, units, hospital_contact, django_assert_num_queries, n):
    _rows(street, units, n)
    holder = make_post_holder(units["school"], "xiaozhang")
    services.add_unit_contact(actor=None, user=holder, unit_org=units["hospital"])
    services.add_unit_contact(actor=None, user=holder, outside_unit=units["company"])
    client.force_login(holder)
    client.get(URL)  # warm caches (site, session)
    with django_assert_num_queries(QUERIES):
        page = client.get(URL)
    assert len(page.context["agreements"]) == 3 * n and len(page.context["needs"]) == 3 * n


QUERIES = 14


def test_the_demo_login_danwei_reads_the_first_units_page(client, demo):  # noqa: F811
    from django.contrib.auth import get_user_model

    from cobuilding.models import UnitContact
    from orgchart.models import Organisation, OrgKind

    first_unit = Organisation.objects.filter(kind=OrgKind.UNIT).order_by("code").first()
    danwei = get_user_model().objects.get(username="danwei")
    assert UnitContact.objects.filter(user=danwei, unit_org=first_unit).exists()
    assert danwei.check_password(DEMO_PASSWORD)
    client.force_login(danwei)
    page = client.get(URL)
    assert page.status_code == 200 and first_unit in page.context["units"]
    assert page.context["agreements"] and page.context["needs"]
    assert {a.unit for a in page.context["agreements"]} <= set(page.context["units"])
