"""The street's export (masked unless a reason is given, audited) and query counts that do not
grow with the data: the list, the housing list, the landlord's page, the figures, the export."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from residents import services
from residents.models import AuditEntry
from tests.factories.residents import make_housing, register

pytestmark = pytest.mark.django_db


def _rows(response) -> list[list]:
    book = load_workbook(BytesIO(response.content))
    return [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]


def test_the_export_is_masked_without_a_reason(client, people, homes):
    r = register(people["community1"], homes["flat1"], name="张三丰", phone="13811112222")
    client.force_login(people["street"])
    response = client.post(reverse("residents:export"), {"reason": ""})
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    flat = " ".join(str(c) for row in _rows(response) for c in row)
    assert r.id_number not in flat and "13811112222" not in flat and "张三丰" not in flat
    assert r.id_number_masked in flat and r.masked_name in flat
    entry = AuditEntry.objects.filter(action="export").get()
    assert (entry.actor, entry.count) == (people["street"], 1)


def test_a_full_export_needs_a_reason_which_is_audited(client, people, homes):
    r = register(people["community1"], homes["flat1"], name="张三丰", phone="13811112222")
    client.force_login(people["street"])
    response = client.post(reverse("residents:export"), {"reason": "区公安分局核查函 2026-17"})
    flat = " ".join(str(c) for row in _rows(response) for c in row)
    assert r.id_number in flat and "13811112222" in flat and "张三丰" in flat
    assert "核查函 2026-17" in AuditEntry.objects.get(action="export").detail


@pytest.mark.parametrize("role", ["community1", "landlord", "member", "branch_secretary"])
def test_only_the_street_exports(client, people, homes, role):
    register(people["community1"], homes["flat1"])
    client.force_login(people[role])
    assert client.post(reverse("residents:export"), {"reason": "想看"}).status_code == 403
    assert not AuditEntry.objects.filter(action="export").exists()


def test_a_formula_like_name_is_exported_as_text(client, people, homes):
    register(people["community1"], homes["flat1"], origin="=HYPERLINK(1)")
    client.force_login(people["street"])
    response = client.post(reverse("residents:export"), {"reason": "核查"})
    book = load_workbook(BytesIO(response.content))
    cell = next(c for row in book.worksheets[0].iter_rows() for c in row if c.value == "=HYPERLINK(1)")
    assert cell.data_type == "s"


def _grow(people, homes, street, n: int) -> None:
    """n flats in each community with two tenants each (one of them left) and one overcrowded."""
    officer = people["street"]
    for i in range(n):
        for key in ("landlord", "other_landlord"):
            flat = make_housing(homes[key], f"{key}路{i}号", rooms=1, beds=1)
            register(
                officer,
                flat,
                category=("work", "family", "study", "other")[i % 4],
                joined_person="某",
                relation="父子",
                school="某校",
                course="某课",
            )
            left = register(officer, flat, over_beds_reason="临时", arrived_on=dt.date(2026, 1, 5))
            if i % 2:
                services.deregister(officer, left, dt.date(2026, 2, 10), "离开")


def _count(client, url, data=None, method="get") -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = getattr(client, method)(url, data or {})
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


PAGES = [
    ("street", "residents:list", {"status": "all"}, "get"),
    ("street", "residents:housing", {}, "get"),
    ("landlord", "residents:landlord", {}, "get"),
    ("street", "residents:figures", {}, "get"),
    ("street", "residents:figures_export", {}, "get"),
    ("street", "residents:export", {"reason": ""}, "post"),
    ("street", "residents:audit", {}, "get"),
]


@pytest.mark.parametrize(("role", "name", "data", "method"), PAGES)
def test_queries_do_not_grow_with_the_data(client, people, homes, street, role, name, data, method):
    _grow(people, homes, street, 1)
    client.force_login(people[role])
    _count(client, reverse(name), data, method)  # warm caches (site, session)
    once = _count(client, reverse(name), data, method)
    _grow(people, homes, street, 9)
    tenfold = _count(client, reverse(name), data, method)
    assert once == tenfold, (name, once, tenfold)


def test_reading_a_record_writes_one_audit_row_and_nothing_else(client, people, homes):
    r = register(people["community1"], homes["flat1"])
    client.force_login(people["community1"])
    client.get(reverse("residents:detail", args=[r.pk]))
    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("residents:detail", args=[r.pk]))
    writes = [
        q["sql"]
        for q in ctx.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    audit_writes = [w for w in writes if "residents_auditentry" in w]
    assert len(audit_writes) == 1
    assert [w for w in writes if "residents_" in w] == audit_writes  # the record itself is not touched
