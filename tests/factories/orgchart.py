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


DEFAULT_CHILD_KIND = {
    None: OrgKind.STREET,
    OrgKind.STREET: OrgKind.COMMUNITY,
    OrgKind.COMMUNITY: OrgKind.BRANCH,
    OrgKind.GENERAL_BRANCH: OrgKind.BRANCH,
    OrgKind.UNIT: OrgKind.BRANCH,
    OrgKind.BRANCH: OrgKind.GROUP,
}


class OrganisationFactory(factory.django.DjangoModelFactory):
    """`OrganisationFactory(parent=...)`: a tree-aware factory. It creates through the tree service
    (services.create_organisation, which calls treebeard's add_root / add_child under the tree lock),
    like the app does, so paths, depth and numchild are right."""

    class Meta:
        model = Organisation

    parent = None
    kind = factory.LazyAttribute(lambda o: DEFAULT_CHILD_KIND[o.parent.kind if o.parent else None])
    code = factory.LazyFunction(lambda: f"T{next(_codes):05d}")
    name = factory.LazyAttribute(lambda o: f"{OrgKind(o.kind).label}{o.code}")

    @classmethod
    def _create(cls, model_class, *args, parent=None, **kwargs) -> Organisation:
        return services.create_organisation(parent=parent, **kwargs)


def make_org(
    parent: Organisation | None = None, kind: str | None = None, name: str | None = None, **fields
) -> Organisation:
    """Shorthand for OrganisationFactory(parent=..., kind=..., name=...); None means "the default"."""
    given = {key: value for key, value in (("kind", kind), ("name", name)) if value is not None}
    return OrganisationFactory(parent=parent, **given, **fields)


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
            (o for o in Organisation.objects.in_subtree(org).filter(kind__in=MEMBER_ORG_KINDS)),
            None,
        ) or make_org(org, kind=OrgKind.BRANCH)
    user = UserFactory(username=username)
    member = MemberFactory(organisation=branch, user=user, name=f"{username}书记")
    post = services.ensure_post(org, title)
    services.appoint(post, member, started_on=dt.date(2024, 1, 1))
    return user
