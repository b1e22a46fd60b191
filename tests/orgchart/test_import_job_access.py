"""Who sees a roster import, written once (orgchart.access) and asked by every surface: the job
page, its status JSON, its stored file, the admin's permission policy and the admin listing.

A job belongs to the organisations its rows target; whoever manages one of them sees it. The
uploader always sees their own job, also one whose rows targeted nothing they manage (every
code unknown or refused); such a job otherwise belongs to the street, whose managers see it.
"""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.http import Http404
from django.test import RequestFactory
from django.urls import reverse

from orgchart import access, roster
from orgchart.models import ImportJob, ImportStatus
from orgchart.permissions import import_job_policy
from portal.media import serve_public_media
from tests.factories.orgchart import make_post_holder
from tests.factories.roster import roster_row, roster_xlsx, upload


@pytest.fixture
def people(street, roles):
    return {
        **roles,
        "community2_secretary": make_post_holder(street["community2"], "shequ2", branch=street["branch2"]),
    }


def import_as(actor, *codes) -> ImportJob:
    rows = [roster_row(code) for code in codes]
    return roster.start_import(upload(roster_xlsx(rows)), actor=actor)


def surfaces(client, user, job: ImportJob) -> dict[str, bool]:
    """Whether `user` sees `job` on each surface."""
    client.force_login(user)
    listing = client.get(reverse("orgchart_importjob:index")).context["object_list"]
    return {
        "page": client.get(reverse("orgchart:roster_job", args=[job.pk])).status_code == 200,
        "status": client.get(reverse("orgchart:roster_job_status", args=[job.pk])).status_code == 200,
        "policy": import_job_policy.user_has_permission_for_instance(user, "view", job),
        "admin listing": job in listing,
        "queryset": access.visible_import_jobs(user).filter(pk=job.pk).exists(),
    }


def assert_sees(client, user, job, expected: bool) -> None:
    assert surfaces(client, user, job) == dict.fromkeys(
        ("page", "status", "policy", "admin listing", "queryset"), expected
    )


def test_a_job_is_recorded_against_the_organisations_its_rows_target(street, people):
    job = import_as(people["street_secretary"], "SQ1-ZB1", "SQ2-ZB1-XZ1", "SQ2-ZB1-XZ1")

    assert job.status == ImportStatus.SUCCEEDED
    assert set(job.organisations.all()) == {street["branch1"], street["group2"]}


def test_the_managers_of_the_targeted_organisations_see_the_job_on_every_surface(client, street, people):
    job = import_as(people["street_secretary"], "SQ2-ZB1")  # a street-level upload into community 2

    assert_sees(client, people["street_secretary"], job, True)  # the uploader
    assert_sees(client, people["community2_secretary"], job, True)  # manages the target, not the uploader
    assert_sees(client, people["community_secretary"], job, False)  # community 1: not theirs
    assert_sees(client, people["superuser"], job, True)


def test_a_failed_job_belongs_to_the_organisations_its_rows_target(client, street, people):
    job = import_as(people["community2_secretary"], "SQ2-ZB1", "NO-SUCH")

    assert job.status == ImportStatus.FAILED
    assert list(job.organisations.all()) == [street["branch2"]]
    assert_sees(client, people["street_secretary"], job, True)
    assert_sees(client, people["community_secretary"], job, False)


def test_the_uploader_keeps_seeing_a_job_whose_rows_targeted_nothing(client, street, people):
    job = import_as(people["community_secretary"], "NO-SUCH", "SQ2-ZB1")  # unknown, and not theirs

    assert job.status == ImportStatus.FAILED
    assert not job.organisations.exists()
    assert_sees(client, people["community_secretary"], job, True)
    assert_sees(client, people["community2_secretary"], job, False)  # not recorded against community 2
    assert_sees(client, people["street_secretary"], job, True)  # untargeted: the street's


def test_the_admin_no_longer_lists_jobs_its_page_would_hide(client, street, people):
    """The bug: the admin let a street manager list every job while the page answered 404."""
    job = import_as(people["street_secretary"], "SQ1-ZB1")
    client.force_login(people["community2_secretary"])

    listed = client.get(reverse("orgchart_importjob:index")).context["object_list"]

    assert job not in listed
    assert client.get(reverse("orgchart:roster_job", args=[job.pk])).status_code == 404


# The stored file --------------------------------------------------------------------------------


@pytest.fixture
def stored_job(street, people):
    """A big upload waiting for the worker: its file is stored until the job finishes."""
    job = ImportJob.objects.create(original_name="党员名册.xlsx", created_by=people["community_secretary"])
    job.file.save("党员名册.xlsx", ContentFile(roster_xlsx([roster_row("SQ1-ZB1")])), save=True)
    job.organisations.set([street["branch1"]])
    yield job
    job.file.delete(save=False)


def test_the_uploaded_file_is_served_only_to_those_who_see_the_job(client, people, stored_job):
    file_url = reverse("orgchart:roster_job_file", args=[stored_job.pk])

    anonymous = client.get(file_url)
    assert anonymous.status_code == 302 and anonymous.url.startswith(reverse("login"))
    for role, status in [("outsider", 403), ("member", 403), ("community2_secretary", 404)]:
        client.force_login(people[role])
        assert client.get(file_url).status_code == status, role

    client.force_login(people["street_secretary"])
    response = client.get(file_url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"PK")
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("trick", ["{}", "./{}", "x/../{}", "/{}", "{upper}"])
def test_the_imports_folder_is_never_served_as_media(people, stored_job, trick):
    name = stored_job.file.name
    request = RequestFactory().get("/media/" + name)
    request.user = people["community_secretary"]  # even the uploader

    with pytest.raises(Http404):
        serve_public_media(request, trick.format(name, upper=name.replace("imports", "Imports")))


def test_other_media_is_still_served_in_development(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "logo.txt").write_text("logo")

    response = serve_public_media(RequestFactory().get("/media/images/logo.txt"), "images/logo.txt")

    assert response.status_code == 200
