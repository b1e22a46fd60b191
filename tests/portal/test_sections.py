"""Section pages mirror the organisation tree at every moment; post holders publish in their own."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from wagtail.models import Page

from orgchart import services
from orgchart.models import Organisation, OrgKind, PostTitle
from portal.models import SectionPage
from portal.sections import GROUP_PREFIX
from portal.site import ensure_site
from tests.factories.orgchart import MemberFactory, UserFactory, make_org
from tests.portal.content_support import notice, section


@pytest.fixture
def site(street):
    return ensure_site(street["street"])


def assert_trees_match() -> None:
    """Every organisation has one section, under its parent's section, named and live like it."""
    orgs = list(Organisation.objects.order_by("path"))
    sections = {s.organisation_id: s for s in SectionPage.objects.all()}
    assert set(sections) == {org.pk for org in orgs}
    for org in orgs:
        page = sections[org.pk]
        parent = org.get_parent()
        page_parent = Page.objects.get(pk=page.get_parent().pk).specific
        if parent is None:
            assert not isinstance(page_parent, SectionPage)
        else:
            assert page_parent.pk == sections[parent.pk].pk, org.name
        assert page.title == org.name
        assert page.live == (not org.is_closed), org.name


def test_site_builds_a_section_for_every_organisation(site, street):
    assert_trees_match()
    assert section(street["community1"]).url == "/jd/sq1/"


def test_tree_services_keep_sections_in_step_through_create_rename_move_close_reopen(site, street):
    new = make_org(street["community1"], OrgKind.BRANCH, name="新支部", code="SQ1-ZB9")
    assert_trees_match()
    services.rename_organisation(new, "更名支部")
    assert section(new).title == "更名支部"
    page = notice(new, title="支部通知")
    services.move_organisation(new, street["community2"])
    assert_trees_match()
    page.refresh_from_db()
    assert page.get_parent().pk == section(new).pk  # content moves with its section
    assert page.url.startswith(section(street["community2"]).url)
    services.close_organisation(new)
    assert_trees_match()
    assert not section(new).live
    services.reopen_organisation(Organisation.objects.get(pk=new.pk))
    assert_trees_match()


def test_closing_a_community_unpublishes_its_whole_subtree_of_sections(site, street):
    community = make_org(street["street"], OrgKind.COMMUNITY, name="待撤社区", code="SQ9")
    branch = make_org(community, OrgKind.BRANCH, code="SQ9-ZB1")
    services.close_organisation(community)
    assert not section(community).live and not section(branch).live
    assert_trees_match()


def test_deleting_an_empty_organisation_deletes_its_section(site, street):
    spare = make_org(street["community1"], OrgKind.BRANCH, code="SQ1-ZB8")
    services.delete_organisation(spare)
    assert not SectionPage.objects.filter(title=spare.name).exists()
    assert_trees_match()


def test_an_organisation_whose_section_holds_pages_is_not_deleted(site, street):
    spare = make_org(street["community1"], OrgKind.BRANCH, code="SQ1-ZB7")
    notice(spare)
    with pytest.raises(ValidationError) as exc:
        services.delete_organisation(spare)
    assert _("Its section holds pages; move or delete them first.") in exc.value.messages
    assert Organisation.objects.filter(pk=spare.pk).exists()
    assert_trees_match()


def test_sections_cannot_be_made_by_hand_in_the_admin():
    assert SectionPage.is_creatable is False


# Publishing rights follow posts ---------------------------------------------------------------


def perms(user, org):
    fresh = type(user).objects.get(pk=user.pk)  # Wagtail caches page permissions on the instance
    return section(org).permissions_for_user(fresh)


def test_a_community_secretary_edits_their_own_section_only_and_may_not_publish(site, street, roles):
    secretary = roles["community_secretary"]
    own = perms(secretary, street["community1"])
    assert own.can_add_subpage() and not own.can_publish_subpage()
    assert perms(secretary, street["branch1"]).can_add_subpage()  # and below it, as the tree manages
    assert not perms(secretary, street["community2"]).can_add_subpage()
    assert not perms(secretary, street["street"]).can_add_subpage()


def test_a_street_secretary_publishes_anywhere_in_the_street(site, street, roles):
    secretary = roles["street_secretary"]
    assert perms(secretary, street["street"]).can_publish_subpage()
    assert perms(secretary, street["community2"]).can_publish_subpage()


def test_a_member_without_a_post_has_no_page_rights(site, street, roles):
    assert not perms(roles["member"], street["community1"]).can_add_subpage()


def test_rights_follow_appointment_and_vacancy_automatically(site, street):
    user = UserFactory(username="newsec")
    member = MemberFactory(organisation=street["branch2"], user=user)
    post = services.ensure_post(street["community2"], PostTitle.PROPAGANDA)
    services.appoint(post, member)
    assert perms(user, street["community2"]).can_add_subpage()
    assert user.groups.filter(name__startswith=GROUP_PREFIX).count() == 1
    services.vacate(post)
    assert not perms(user, street["community2"]).can_add_subpage()
    assert not user.groups.filter(name__startswith=GROUP_PREFIX).exists()


def test_community_pages_go_through_the_street_review_workflow(site, street, roles):
    page = notice(street["community1"])
    workflow = page.get_workflow()
    assert workflow is not None
    approvers = {g.name for task in workflow.tasks.specific() for g in task.groups.all()}
    street_group = roles["street_secretary"].groups.get(name__startswith=GROUP_PREFIX).name
    assert approvers == {street_group}


def test_street_review_approves_a_submitted_notice(site, street, roles):
    from portal.models import NoticePage

    draft = NoticePage(title="待审核通知", slug="pending", live=False)
    section(street["community1"]).add_child(instance=draft)
    revision = draft.save_revision(user=roles["community_secretary"])
    state = draft.get_workflow().start(draft, roles["community_secretary"])
    assert not NoticePage.objects.get(pk=draft.pk).live
    task_state = state.current_task_state
    task = task_state.task.specific
    assert task.user_can_access_editor(draft, roles["street_secretary"])
    assert not task.user_can_access_editor(draft, roles["community_secretary"])
    task.on_action(task_state, roles["street_secretary"], "approve")
    draft.refresh_from_db()
    assert draft.live and draft.live_revision_id == revision.pk
