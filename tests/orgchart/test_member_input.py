"""Member input is normalised and checked by one set of validators, whichever way it arrives:
the admin form, the API and the roster import. And an ID number already registered is named so
only to someone who may see the member holding it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from orgchart import roster, services
from orgchart.models import ImportStatus, Member
from orgchart.validators import build_id_number
from tests.factories.roster import roster_row, roster_xlsx, upload
from tests.orgchart.api_support import client_for

BORN = dt.date(1970, 3, 2)
REGISTERED = "A member with this ID number is already registered."
NEUTRAL = "This ID number cannot be used; please contact the street office."


def in_either_language(message: str) -> set[str]:
    """The English msgid and its Chinese translation: pages and the API answer in the site's
    language, the import in the language active in the test."""
    with translation.override("zh-hans"):
        return {message, translation.gettext(message)}


def full_width(text: str) -> str:
    return text.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789X"})


def arabic_indic(text: str) -> str:
    return text.translate({ord(str(d)): 0x0660 + d for d in range(10)})


# One input through the three doors ----------------------------------------------------------------


def via_form(client, roles, street, **fields) -> dict[str, list[str]]:
    client.force_login(roles["street_secretary"])
    data = {
        "name": "新党员",
        "gender": "female",
        "birth_date": BORN.isoformat(),
        "education": "bachelor",
        "joined_party_on": "1995-07-01",
        "mobile": "13900001111",
        "category": "employed",
        "id_number": "",
        "organisation": street["branch1"].pk,
        **fields,
    }
    response = client.post(reverse("orgchart_member:add"), data)
    if response.status_code == 302:
        return {}
    assert response.status_code == 200
    return {name: [str(e) for e in errors] for name, errors in response.context["form"].errors.items()}


def via_api(client, roles, street, **fields) -> dict[str, list[str]]:
    payload = {
        "name": "新党员",
        "gender": "female",
        "birth_date": BORN.isoformat(),
        "education": "bachelor",
        "joined_party_on": "1995-07-01",
        "mobile": "13800001111",
        "category": "resident",
        "organisation": street["branch1"].pk,
        **fields,
    }
    response = client_for("street_secretary", roles).post("/api/members/", payload, format="json")
    if response.status_code == 201:
        return {}
    assert response.status_code == 400, response.content
    return response.json()


IMPORT_HEADERS = {
    "name": "姓名",
    "birth_date": "出生日期",
    "id_number": "身份证号",
    "mobile": "手机号码",
}


def via_import(client, roles, street, **fields) -> dict[str, list[str]]:
    row = roster_row("SQ1-ZB1", 出生日期=BORN.isoformat(), 入党日期="1995-07-01")
    if "id_number" not in fields:
        row["身份证号"] = build_id_number("310101", BORN, 333)
    for name, value in fields.items():
        row[IMPORT_HEADERS[name]] = value
    job = roster.start_import(upload(roster_xlsx([row])), actor=roles["street_secretary"])
    if job.status == ImportStatus.SUCCEEDED:
        return {}
    by_column: dict[str, list[str]] = {}
    for error in job.errors:
        field = next((k for k, v in IMPORT_HEADERS.items() if v == error["column"]), error["column"])
        by_column.setdefault(field, []).append(error["message"])
    return by_column


DOORS = [via_form, via_api, via_import]


@pytest.fixture(params=DOORS, ids=["form", "api", "import"])
def submit(request, client, roles, street):
    def run(**fields):
        with translation.override("en"):
            return request.param(client, roles, street, **fields)

    return run


def test_a_full_width_id_number_is_stored_in_ascii(submit):
    id_number = build_id_number("310101", BORN, 401)

    assert submit(id_number=full_width(id_number)) == {}

    assert Member.objects.latest("pk").id_number == id_number


def test_a_full_width_id_number_is_the_same_number_as_its_ascii_spelling(submit, roles):
    existing = roles["own_member"]  # registered in ASCII; the street secretary may see them

    errors = submit(id_number=full_width(existing.id_number), birth_date=existing.birth_date.isoformat())

    assert list(errors) == ["id_number"] and len(errors["id_number"]) == 1
    assert errors["id_number"][0] in in_either_language(REGISTERED)
    assert Member.objects.filter(id_number_hash=existing.id_number_hash).count() == 1


def test_arabic_indic_digits_are_refused_in_an_id_number(submit):
    before = Member.objects.count()

    errors = submit(id_number=arabic_indic(build_id_number("310101", BORN, 402)))

    assert list(errors) == ["id_number"]
    assert errors["id_number"][0] in in_either_language(
        "ID number must be 18 characters: 17 digits and a final digit or X."
    )
    assert Member.objects.count() == before


def test_a_full_width_mobile_is_stored_in_ascii(submit):
    assert submit(mobile=full_width("13912345678")) == {}

    assert Member.objects.latest("pk").mobile == "13912345678"


def test_arabic_indic_digits_are_refused_in_a_mobile(submit):
    before = Member.objects.count()

    errors = submit(mobile=arabic_indic("13912345678"))

    assert list(errors) == ["mobile"]
    assert Member.objects.count() == before


@pytest.mark.parametrize(
    "name",
    [
        "王\u200b建国",  # zero-width space
        "王建国\u202e",  # right-to-left override
        "王\x7f建国",  # a control character (one openpyxl can write)
        "😀😀",  # emoji only
    ],
    ids=["zero-width", "rlo", "control", "emoji"],
)
def test_names_with_hidden_characters_or_no_letters_are_refused(submit, name):
    before = Member.objects.count()

    errors = submit(name=name)

    assert list(errors) == ["name"]
    assert Member.objects.count() == before


def test_a_birth_date_before_1900_is_refused(submit):
    born = dt.date(1899, 12, 31)
    before = Member.objects.count()

    errors = submit(birth_date=born.isoformat(), id_number=build_id_number("310101", born, 7))

    assert list(errors) == ["birth_date"]
    assert "1900-01-01" in errors["birth_date"][0]
    assert Member.objects.count() == before


# Existence leak -----------------------------------------------------------------------------------


def clash_with(member) -> dict:
    return {"id_number": member.id_number, "birth_date": member.birth_date.isoformat()}


@pytest.mark.parametrize("door", DOORS, ids=["form", "api", "import"])
def test_an_id_number_held_out_of_sight_gets_a_neutral_answer(client, roles, street, door):
    """The community-1 secretary may not see the community-2 member holding the number."""
    hidden = roles["other_member"]
    actor = roles["community_secretary"]
    roles = {**roles, "street_secretary": actor}  # the door signs in as this actor
    before = Member.objects.count()

    with translation.override("en"):
        errors = door(client, roles, street, **clash_with(hidden))

    assert list(errors) == ["id_number"] and len(errors["id_number"]) == 1
    assert errors["id_number"][0] in in_either_language(NEUTRAL)
    assert not in_either_language(REGISTERED) & set(errors["id_number"])
    assert Member.objects.count() == before


@pytest.mark.parametrize("door", DOORS, ids=["form", "api", "import"])
def test_an_id_number_held_in_sight_is_named_as_registered(client, roles, street, door):
    with translation.override("en"):
        errors = door(client, roles, street, **clash_with(roles["other_member"]))

    assert list(errors) == ["id_number"] and len(errors["id_number"]) == 1
    assert errors["id_number"][0] in in_either_language(REGISTERED)


def test_the_service_gives_the_neutral_answer_to_an_actor_who_cannot_see_the_holder(roles, street):
    hidden = roles["other_member"]
    with translation.override("en"), pytest.raises(Exception) as caught:
        services.create_member(
            actor=roles["community_secretary"],
            id_number=hidden.id_number,
            name="某",
            gender="male",
            birth_date=hidden.birth_date,
            education="bachelor",
            joined_party_on=hidden.joined_party_on,
            mobile="13800000000",
            category="resident",
            organisation=street["branch1"],
        )
    assert caught.value.message_dict == {"id_number": [NEUTRAL]}
