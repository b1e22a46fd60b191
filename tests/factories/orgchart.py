"""Tree-aware factories: organisations are added through the tree service, like the app does."""

from __future__ import annotations

import datetime as dt
import itertools

import factory
from django.contrib.auth import get_user_model

from orgchart import services
from orgchart.models import Education, Gender, Member, MemberCategory, Organisation, OrgKind, PostTitle
from orgchart.validators import build_id_number

_codes = itertools.count(1)
_ids = itertools.count(1)
_mobiles = itertools.count(1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("demo12345")


def make_org(
    parent: Organisation | None = None, kind: str | None = None, name: str | None = None, **fields
) -> Organisation:
    """Create an organisation through services.create_organisation (like OrganisationFactory(parent=...))."""
    if kind is None:
        kind = {
            None: OrgKind.STREET,
            OrgKind.STREET: OrgKind.COMMUNITY,
            OrgKind.COMMUNITY: OrgKind.BRANCH,
            OrgKind.GENERAL_BRANCH: OrgKind.BRANCH,
            OrgKind.UNIT: OrgKind.BRANCH,
            OrgKind.BRANCH: OrgKind.GROUP,
        }[parent.kind if parent else None]
    n = next(_codes)
    return services.create_organisation(
        parent=parent,
        kind=kind,
        name=name or f"{OrgKind(kind).label}{n}",
        code=fields.pop("code", f"T{n:05d}"),
        **fields,
    )


class OrganisationFactory:
    """`OrganisationFactory(parent=...)` reads like factory_boy but adds through the tree service."""

    def __new__(cls, parent: Organisation | None = None, **kwargs) -> Organisation:  # type: ignore[misc]
        return make_org(parent, **kwargs)


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"党员{n}")
    gender = Gender.MALE
    birth_date = dt.date(1960, 5, 17)
    education = Education.JUNIOR_HIGH
    joined_party_on = dt.date(1985, 7, 1)
    mobile = factory.LazyFunction(lambda: f"139{next(_mobiles):08d}")
    category = MemberCategory.RETIRED
    organisation = None

    @factory.post_generation
    def id_number(self, create, extracted, **kwargs):
        value = extracted if extracted is not None else build_id_number("310101", self.birth_date, next(_ids))
        if value:
            self.set_id_number(value)
            if create:
                self.save()


def make_post_holder(
    org: Organisation, username: str, title: str = PostTitle.SECRETARY, branch: Organisation | None = None
):
    """A user whose member record holds `title` in `org`; their membership is in `branch` (or a new one)."""
    from orgchart.models import MEMBER_ORG_KINDS

    if branch is None:
        branch = org if org.kind in MEMBER_ORG_KINDS else None
    if branch is None:
        branch = next(
            (o for o in Organisation.objects.filter(path__startswith=org.path, kind__in=MEMBER_ORG_KINDS)),
            None,
        ) or make_org(org, kind=OrgKind.BRANCH)
    user = UserFactory(username=username)
    member = MemberFactory(organisation=branch, user=user, name=f"{username}书记")
    post = services.ensure_post(org, title)
    services.appoint(post, member, started_on=dt.date(2024, 1, 1))
    return user
