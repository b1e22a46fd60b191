"""The members roster in Excel: all-or-nothing import, every bad row reported, export of a subtree."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation

from orgchart import access, roster, tasks
from orgchart.models import Education, Gender, ImportJob, ImportStatus, Member, MemberCategory
from orgchart.validators import build_id_number
from tests.factories.orgchart import MemberFactory
from tests.factories.roster import HEADERS, read_xlsx, roster_row, roster_xlsx, upload


def import_rows(rows, actor, **kwargs) -> ImportJob:
    return roster.start_import(upload(roster_xlsx(rows, **kwargs)), actor=actor)


def error_lines(job: ImportJob) -> list[tuple[int, str]]:
    return [(error["line"], error["column"]) for error in job.errors]


# Good files ---------------------------------------------------------------------------------


def test_good_roster_creates_members_with_encrypted_id_numbers(street, roles):
    before = Member.objects.count()
    rows = [roster_row("SQ1-ZB1"), roster_row("SQ1-ZB1-XZ1", 学历="本科", 党员类别="在职")]

    job = import_rows(rows, roles["street_secretary"])

    assert job.status == ImportStatus.SUCCEEDED
    assert job.imported_count == 2
    assert Member.objects.count() == before + 2
    member = Member.objects.get(name=rows[1]["姓名"])
    assert member.organisation == street["group1"]
    assert member.education == Education.BACHELOR
    assert member.category == MemberCategory.EMPLOYED
    assert member.gender in (Gender.MALE, Gender.FEMALE)
    # the ID number is stored encrypted, found by its hash, shown masked
    assert rows[1]["身份证号"] not in member.id_number_encrypted
    assert member.id_number == rows[1]["身份证号"]
    assert member.id_number_masked == rows[1]["身份证号"][:4] + "*" * 10 + rows[1]["身份证号"][-4:]
    assert member.id_number_hash


@pytest.mark.parametrize(
    "birth_cell",
    [dt.datetime(1960, 5, 17), "1960-05-17", "1960/5/17", "19600517", 19600517, "1960年5月17日"],
)
def test_dates_may_be_excel_dates_or_common_text_forms(street, roles, birth_cell):
    id_number = build_id_number("310101", dt.date(1960, 5, 17), 321)
    row = roster_row("SQ1-ZB1", 出生日期=birth_cell, 身份证号=id_number, 入党日期="1985-07-01")

    job = import_rows([row], roles["street_secretary"])

    assert job.status == ImportStatus.SUCCEEDED, job.errors
    assert Member.objects.get(name=row["姓名"]).birth_date == dt.date(1960, 5, 17)


def test_id_number_and_mobile_typed_as_numbers_are_read_as_text(street, roles):
    row = roster_row("SQ1-ZB1", 手机号码=13912345678)
    row["身份证号"] = row["身份证号"][:-1] + row["身份证号"][-1]  # already text; the mobile is a number

    job = import_rows([row], roles["street_secretary"])

    assert job.status == ImportStatus.SUCCEEDED, job.errors
    assert Member.objects.get(name=row["姓名"]).mobile == "13912345678"


def test_blank_rows_are_skipped_and_line_numbers_stay_the_excel_rows(street, roles):
    rows = [roster_row("SQ1-ZB1"), {}, roster_row("SQ1-ZB1", 性别="未知")]

    job = import_rows(rows, roles["street_secretary"])

    assert job.status == ImportStatus.FAILED
    assert error_lines(job) == [(4, "性别")]


# All or nothing -----------------------------------------------------------------------------


def test_one_bad_row_imports_nothing_and_every_bad_row_is_reported(street, roles):
    before = Member.objects.count()
    rows = [
        roster_row("SQ1-ZB1"),  # line 2: good
        roster_row("SQ1-ZB1", 性别="男性"),  # line 3
        roster_row("SQ1-ZB1"),  # line 4: good
        roster_row("SQ1-ZB1", 出生日期="五月", 手机号码="12345"),  # line 5: two problems
        roster_row("SQ1-ZB1", 姓名=""),  # line 6
        roster_row("SQ1-ZB1", 身份证号="310101196005170011"),  # line 7: wrong check digit
    ]

    with translation.override("en"):
        job = import_rows(rows, roles["street_secretary"])

    assert job.status == ImportStatus.FAILED
    assert job.imported_count == 0
    assert Member.objects.count() == before
    assert error_lines(job) == [(3, "性别"), (5, "出生日期"), (5, "手机号码"), (6, "姓名"), (7, "身份证号")]
    messages = {(e["line"], e["column"]): e["message"] for e in job.errors}
    assert "男性" in messages[(3, "性别")] and "男、女" in messages[(3, "性别")]
    assert messages[(6, "姓名")] == "This column is required."
    assert "check digit" in messages[(7, "身份证号")]


def test_allowed_values_are_listed_with_the_templates_chinese_labels(street, roles):
    job = import_rows([roster_row("SQ1-ZB1", 性别="男性")], roles["street_secretary"])

    assert job.status == ImportStatus.FAILED
    assert "男、女" in job.errors[0]["message"]


def test_birth_date_must_match_the_id_number(street, roles):
    row = roster_row("SQ1-ZB1")
    row["出生日期"] = (dt.date.fromisoformat(row["出生日期"]) + dt.timedelta(days=1)).isoformat()

    job = import_rows([row], roles["street_secretary"])

    assert error_lines(job) == [(2, "身份证号")]


def test_member_must_be_18_when_joining_the_party(street, roles):
    row = roster_row("SQ1-ZB1")
    row["入党日期"] = row["出生日期"]

    job = import_rows([row], roles["street_secretary"])

    assert error_lines(job) == [(2, "入党日期")]


def test_duplicate_id_number_within_the_file_is_refused(street, roles):
    first = roster_row("SQ1-ZB1")
    again = roster_row(
        "SQ1-ZB1", 身份证号=first["身份证号"], 出生日期=first["出生日期"], 入党日期=first["入党日期"]
    )

    with translation.override("en"):
        job = import_rows([first, roster_row("SQ1-ZB1"), again], roles["street_secretary"])

    assert job.status == ImportStatus.FAILED
    assert error_lines(job) == [(4, "身份证号")]
    assert job.errors[0]["message"] == "The same ID number is already given on line 2."
    assert not Member.objects.filter(name=first["姓名"]).exists()


def test_id_number_already_registered_is_refused(street, roles):
    existing = roles["other_member"]
    row = roster_row(
        "SQ1-ZB1",
        身份证号=existing.id_number,
        出生日期=existing.birth_date.isoformat(),
        入党日期=existing.joined_party_on.isoformat(),
    )

    with translation.override("en"):
        job = import_rows([roster_row("SQ1-ZB1"), row], roles["street_secretary"])

    assert error_lines(job) == [(3, "身份证号")]
    assert job.errors[0]["message"] == "A member with this ID number is already registered."
    assert Member.objects.filter(id_number_hash=existing.id_number_hash).count() == 1


def test_rows_targeting_another_communitys_branch_are_refused_for_a_community_secretary(street, roles):
    before = Member.objects.count()
    rows = [roster_row("SQ1-ZB1"), roster_row("SQ2-ZB1"), roster_row("SQ2-ZB1-XZ1")]

    with translation.override("en"):
        job = import_rows(rows, roles["community_secretary"])

    assert job.status == ImportStatus.FAILED
    assert error_lines(job) == [(3, "组织编码"), (4, "组织编码")]
    assert job.errors[0]["message"] == "You do not manage this organisation."
    assert Member.objects.count() == before


def test_unknown_code_and_committee_codes_are_refused(street, roles):
    rows = [roster_row("NO-SUCH"), roster_row("SQ1"), roster_row("GH")]

    job = import_rows(rows, roles["street_secretary"])

    assert error_lines(job) == [(2, "组织编码"), (3, "组织编码"), (4, "组织编码")]


def test_a_plain_member_may_not_import(street, roles):
    with pytest.raises(PermissionDenied):
        import_rows([roster_row("SQ1-ZB1")], roles["member"])
    assert not ImportJob.objects.exists()


# Bad files: one clear error, nothing written ---------------------------------------------


def assert_file_refused(content: bytes, actor, name: str = "党员名册.xlsx") -> str:
    before = Member.objects.count()
    with pytest.raises(roster.RosterFileError) as caught:
        roster.start_import(upload(content, name), actor=actor)
    assert Member.objects.count() == before
    assert not ImportJob.objects.exists()
    return caught.value.message


def test_renamed_and_missing_headers_are_refused_with_one_clear_error(street, roles):
    headers = [("手机" if h == "手机号码" else h) for h in HEADERS if h != "学历"]
    with translation.override("en"):
        message = assert_file_refused(
            roster_xlsx([roster_row("SQ1-ZB1")], headers=headers), roles["street_secretary"]
        )

    assert "Missing columns: 学历、手机号码." in message
    assert "Columns not in the template: 手机." in message


def test_a_file_that_is_not_an_xlsx_is_refused(street, roles):
    with translation.override("en"):
        message = assert_file_refused("姓名,性别\n张三,男\n".encode(), roles["street_secretary"])

    assert "not an Excel workbook" in message


def test_an_empty_sheet_is_refused(street, roles):
    workbook = openpyxl.Workbook()
    buffer = io.BytesIO()
    workbook.save(buffer)

    assert_file_refused(buffer.getvalue(), roles["street_secretary"])
    # the blank template itself: headers but no rows
    assert_file_refused(roster.build_template(roles["street_secretary"]), roles["street_secretary"])


def test_more_than_20000_rows_is_refused_and_nothing_imported(street, roles):
    content = roster_xlsx([{"姓名": "某"}] * (roster.MAX_ROWS + 1))
    before = Member.objects.count()
    with translation.override("en"), pytest.raises(roster.RosterFileError) as caught:
        roster.read_roster(io.BytesIO(content))
    assert "more than 20,000" in caught.value.message

    # Through the upload: a big file is read in full on the worker, which refuses it.
    job = roster.start_import(upload(content), actor=roles["street_secretary"])
    assert job.status == ImportStatus.PENDING
    with translation.override("en"):
        assert tasks.run_import(job.pk) == "failed"

    job.refresh_from_db()
    assert [(e["line"], e["column"]) for e in job.errors] == [(None, "")]
    assert "more than 20,000" in job.errors[0]["message"]
    assert Member.objects.count() == before


def test_a_file_over_10_mb_is_refused(street, roles):
    with translation.override("en"):
        message = assert_file_refused(b"0" * (roster.MAX_FILE_BYTES + 1), roles["street_secretary"])

    assert "10 MB" in message


def test_validation_queries_do_not_grow_with_rows(street, roles, django_assert_num_queries):
    actor = roles["street_secretary"]
    access.managed_paths(actor)  # the access rule is read once per user and cached
    for n in (5, 150):
        rows = roster.read_roster(io.BytesIO(roster_xlsx([roster_row("SQ1-ZB1") for _ in range(n)])))
        # one look-up of the organisation codes, one duplicate check per batch of 200 rows
        with django_assert_num_queries(2):
            outcome = roster.validate_rows(rows, actor)
        assert len(outcome.members) == n and not outcome.errors


# Export -----------------------------------------------------------------------------------


def test_export_contains_exactly_the_subtrees_active_members(street, roles):
    in_group = MemberFactory(organisation=street["group1"], name="小组党员")
    left = MemberFactory(organisation=street["branch1"], name="已转出党员", left_on=dt.date(2024, 3, 1))

    content = roster.export_subtree(street["community1"], actor=roles["street_secretary"])

    rows = read_xlsx(content)
    assert list(rows[0]) == HEADERS
    names = {row[0] for row in rows[1:]}
    expected = set(Member.objects.active().in_subtree(street["community1"]).values_list("name", flat=True))
    assert names == expected
    assert in_group.name in names and left.name not in names and roles["other_member"].name not in names
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name[in_group.name][HEADERS.index("身份证号")] == in_group.id_number  # in full
    assert by_name[in_group.name][HEADERS.index("组织编码")] == "SQ1-ZB1-XZ1"
    assert by_name[in_group.name][HEADERS.index("所属组织")] == street["group1"].name


def test_export_reimports_cleanly_after_the_members_are_deleted(street, roles):
    for i in range(3):
        MemberFactory(organisation=street["group2"], name=f"二社区小组党员{i}", education=Education.COLLEGE)
    subtree = Member.objects.active().in_subtree(street["community2"])
    fields = (
        "name",
        "gender",
        "birth_date",
        "education",
        "joined_party_on",
        "mobile",
        "category",
        "organisation_id",
    )
    before = sorted(subtree.values_list(*fields, "id_number_hash"))
    content = roster.export_subtree(street["community2"], actor=roles["street_secretary"])
    subtree.delete()

    job = roster.start_import(upload(content), actor=roles["street_secretary"])

    assert job.status == ImportStatus.SUCCEEDED, job.errors
    after = sorted(
        Member.objects.active().in_subtree(street["community2"]).values_list(*fields, "id_number_hash")
    )
    assert after == before


def test_export_of_an_unmanaged_subtree_is_refused(street, roles):
    with pytest.raises(PermissionDenied):
        roster.export_subtree(street["community2"], actor=roles["community_secretary"])


# Views ------------------------------------------------------------------------------------


ROSTER_URLS = [
    ("orgchart:roster_import", {}),
    ("orgchart:roster_template", {}),
    ("orgchart:roster_help", {}),
]


@pytest.mark.parametrize(("name", "kwargs"), ROSTER_URLS)
def test_anonymous_visitor_is_sent_to_login(client, street, name, kwargs):
    response = client.get(reverse(name, kwargs=kwargs))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_anonymous_visitor_is_sent_to_login_from_export(client, street):
    response = client.get(reverse("orgchart:roster_export", args=[street["community1"].pk]))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("role", ["member", "outsider"])
def test_non_manager_gets_403_on_every_roster_page(client, street, roles, role):
    job = ImportJob.objects.create(original_name="x.xlsx", created_by=roles["street_secretary"])
    client.force_login(roles[role])

    for name, kwargs in ROSTER_URLS:
        assert client.get(reverse(name, kwargs=kwargs)).status_code == 403, name
    assert client.post(reverse("orgchart:roster_import")).status_code == 403
    assert client.get(reverse("orgchart:roster_export", args=[street["community1"].pk])).status_code == 403
    assert client.get(reverse("orgchart:roster_job", args=[job.pk])).status_code == 403
    assert client.get(reverse("orgchart:roster_job_status", args=[job.pk])).status_code == 403


def test_secretary_may_not_export_another_community(client, street, roles):
    client.force_login(roles["community_secretary"])

    assert client.get(reverse("orgchart:roster_export", args=[street["community2"].pk])).status_code == 403
    assert client.get(reverse("orgchart:roster_export", args=[street["community1"].pk])).status_code == 200


def test_another_managers_job_is_not_found(client, street, roles):
    job = ImportJob.objects.create(original_name="x.xlsx", created_by=roles["street_secretary"])
    client.force_login(roles["community_secretary"])

    assert client.get(reverse("orgchart:roster_job", args=[job.pk])).status_code == 404
    assert client.get(reverse("orgchart:roster_job_status", args=[job.pk])).status_code == 404


def test_upload_page_links_the_template_and_the_help(client, street, roles):
    client.force_login(roles["community_secretary"])

    response = client.get(reverse("orgchart:roster_import"))

    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("orgchart:roster_template") in html
    assert reverse("orgchart:roster_help") in html
    assert 'enctype="multipart/form-data"' in html
    assert "SQ1-ZB1" in html and "SQ2-ZB1" not in html  # the codes they may import into


def test_template_download_is_the_documented_workbook(client, street, roles):
    client.force_login(roles["community_secretary"])

    response = client.get(reverse("orgchart:roster_template"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["党员名册", "填写说明", "组织编码"]
    assert [c.value for c in workbook["党员名册"][1]] == HEADERS
    codes = [row[0] for row in workbook["组织编码"].iter_rows(min_row=2, values_only=True)]
    assert codes == ["SQ1-ZB1", "SQ1-ZB1-XZ1"]


def test_small_upload_through_the_page_imports_at_once_and_shows_the_result(client, street, roles):
    client.force_login(roles["community_secretary"])
    rows = [roster_row("SQ1-ZB1") for _ in range(3)]

    response = client.post(
        reverse("orgchart:roster_import"), {"file": upload(roster_xlsx(rows))}, follow=True
    )

    assert response.status_code == 200
    job = ImportJob.objects.get()
    assert response.redirect_chain[-1][0] == reverse("orgchart:roster_job", args=[job.pk])
    assert job.status == ImportStatus.SUCCEEDED and job.imported_count == 3
    assert not job.file  # small files are never stored
    assert Member.objects.filter(name__in=[r["姓名"] for r in rows]).count() == 3
    status = client.get(reverse("orgchart:roster_job_status", args=[job.pk])).json()
    assert status["status"] == "succeeded" and status["progress_percent"] == 100


def test_failed_upload_page_lists_every_bad_row(client, street, roles):
    client.force_login(roles["community_secretary"])
    rows = [roster_row("SQ1-ZB1"), roster_row("SQ1-ZB1", 学历="幼儿园"), roster_row("SQ2-ZB1")]

    response = client.post(
        reverse("orgchart:roster_import"), {"file": upload(roster_xlsx(rows))}, follow=True
    )

    assert response.status_code == 200
    table = response.content.decode().split('id="job-errors"')[1]
    assert "幼儿园" in table and "学历" in table and "组织编码" in table
    assert table.count("<tr>") == 1 + 2  # header + one row per problem
    assert not Member.objects.filter(name=rows[0]["姓名"]).exists()


@pytest.mark.parametrize(
    ("content", "name"),
    [(b"not a workbook", "members.xlsx"), (b"a,b\n", "members.csv"), (b"", "empty.xlsx")],
)
def test_bad_upload_shows_the_form_again_with_an_error(client, street, roles, content, name):
    client.force_login(roles["community_secretary"])

    response = client.post(reverse("orgchart:roster_import"), {"file": upload(content, name)})

    assert response.status_code == 200
    assert 'id="upload-errors"' in response.content.decode() or response.context["form"].errors
    assert response.context["form"].errors
    assert not ImportJob.objects.exists()
