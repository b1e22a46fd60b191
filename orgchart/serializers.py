"""Serializers of the JSON API: shapes in and out, nothing more.

Reads are shaped here; writes are parsed here and handed to orgchart.services, which own every
rule (who may, what is valid). Personal data (ID number, mobile) is shown in full only when
orgchart.access says so, masked otherwise. Two helpers give tree rows their parent id from the
path, without a query per row.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from . import access
from .models import (
    Education,
    Gender,
    Member,
    MemberCategory,
    Organisation,
    OrgKind,
    Tenure,
    Transfer,
    TransferStatus,
)
from .queries import with_parent_pk
from .validators import (
    clean_mobile,
    clean_name,
    normalise_id_number,
    validate_id_number,
)
from .validators import validate_birth_date as check_birth_date

# Fields that describe an organisation's place in the tree: changed by move / close, never PATCH.
TREE_FIELDS = ("parent", "kind", "closed_on", "path", "depth", "numchild")


# Organisations ------------------------------------------------------------------------------


class OrganisationSerializer(serializers.ModelSerializer):
    """One row of the tree. `parent` comes from `parent_pk`, set by the view without a query per row."""

    parent = serializers.IntegerField(source="parent_pk", read_only=True, allow_null=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Organisation
        fields = ["id", "parent", "name", "code", "kind", "kind_label", "depth", "closed_on", "numchild"]
        read_only_fields = fields


class OrganisationDetailSerializer(OrganisationSerializer):
    class Meta(OrganisationSerializer.Meta):
        fields = [
            *OrganisationSerializer.Meta.fields,
            "address",
            "phone",
            "established_on",
            "description",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class OrganisationCreateSerializer(serializers.ModelSerializer):
    """Input of POST /api/organisations/: a new organisation under `parent` (null: a new street)."""

    parent = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all(), allow_null=True)

    class Meta:
        model = Organisation
        fields = ["parent", "name", "code", "kind", "address", "phone", "established_on", "description"]


class OrganisationUpdateSerializer(serializers.ModelSerializer):
    """Input of PATCH /api/organisations/<id>/: the organisation's own fields, not its place in the tree."""

    class Meta:
        model = Organisation
        fields = ["name", "code", "address", "phone", "established_on", "description"]

    def validate(self, attrs: dict) -> dict:
        tree_fields = sorted(set(TREE_FIELDS) & set(self.initial_data))
        if tree_fields:
            # Same message as services.update_organisation, so one translation serves both.
            raise serializers.ValidationError(
                {
                    name: _("Use move or close to change %(fields)s.") % {"fields": ", ".join(tree_fields)}
                    for name in tree_fields
                }
            )
        return attrs


class OrganisationMoveSerializer(serializers.Serializer):
    parent = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), help_text=_("The new parent organisation.")
    )


class OrganisationCloseSerializer(serializers.Serializer):
    closed_on = serializers.DateField(required=False, help_text=_("Defaults to today."))


class TreeFilterSerializer(serializers.Serializer):
    """Query parameters of GET /api/organisations/."""

    root = serializers.PrimaryKeyRelatedField(
        queryset=with_parent_pk(Organisation.objects.all()),
        required=False,
        help_text=_("Only this organisation and its subtree."),
    )
    include_closed = serializers.BooleanField(
        required=False, default=False, help_text=_("Also list closed organisations.")
    )


class StatisticsLabelsSerializer(serializers.Serializer):
    kind = serializers.DictField(child=serializers.CharField())
    category = serializers.DictField(child=serializers.CharField())
    gender = serializers.DictField(child=serializers.CharField())
    education = serializers.DictField(child=serializers.CharField())


HIDDEN_HELP = _("Null when the breakdowns are hidden (see breakdowns_hidden).")


class StatisticsSerializer(serializers.Serializer):
    """orgchart.queries.SubtreeStatistics.as_dict(), the organisation, and labels for every code."""

    organisation = OrganisationSerializer()
    organisation_id = serializers.IntegerField()
    members = serializers.IntegerField(help_text=_("Active members in the subtree."))
    aged_60_plus = serializers.IntegerField(allow_null=True, help_text=HIDDEN_HELP)
    share_aged_60_plus = serializers.FloatField(allow_null=True, help_text=HIDDEN_HELP)
    low_education = serializers.IntegerField(
        allow_null=True, help_text=_("Junior high school or below. Null when the breakdowns are hidden.")
    )
    share_low_education = serializers.FloatField(allow_null=True, help_text=HIDDEN_HELP)
    by_category = serializers.DictField(
        child=serializers.IntegerField(), allow_null=True, help_text=HIDDEN_HELP
    )
    by_gender = serializers.DictField(
        child=serializers.IntegerField(), allow_null=True, help_text=HIDDEN_HELP
    )
    by_education = serializers.DictField(
        child=serializers.IntegerField(), allow_null=True, help_text=HIDDEN_HELP
    )
    breakdowns_hidden = serializers.BooleanField(
        help_text=_(
            "True for a group of fewer than 5 members that you do not manage: its breakdowns are "
            "null, so none describes one person; `breakdowns_note` says so."
        )
    )
    breakdowns_note = serializers.CharField(help_text=_('"Fewer than 5" when the breakdowns are hidden.'))
    posts_filled = serializers.IntegerField()
    posts_vacant = serializers.IntegerField()
    vacant_secretaries = serializers.IntegerField()
    organisations_by_kind = serializers.DictField(child=serializers.IntegerField())
    labels = StatisticsLabelsSerializer()


def statistics_labels() -> dict[str, dict[str, str]]:
    """Display labels for the codes used as keys in the statistics, in the request's language."""
    return {
        "kind": {value: str(label) for value, label in OrgKind.choices},
        "category": {value: str(label) for value, label in MemberCategory.choices},
        "gender": {value: str(label) for value, label in Gender.choices},
        "education": {value: str(label) for value, label in Education.choices},
    }


# Members ------------------------------------------------------------------------------------


class MemberSerializer(serializers.ModelSerializer):
    """A member as a reader sees them: ID number and mobile in full only if the access rule allows."""

    gender_label = serializers.CharField(source="get_gender_display", read_only=True)
    education_label = serializers.CharField(source="get_education_display", read_only=True)
    category_label = serializers.CharField(source="get_category_display", read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    id_number = serializers.SerializerMethodField(
        help_text=_("Masked (e.g. 3101**********1234) unless you may see this member's personal data.")
    )
    mobile = serializers.SerializerMethodField(
        help_text=_("Masked unless you may see this member's personal data.")
    )
    personal_data_visible = serializers.SerializerMethodField()
    is_active = serializers.BooleanField(read_only=True)

    class Meta:
        model = Member
        fields = [
            "id",
            "name",
            "gender",
            "gender_label",
            "birth_date",
            "education",
            "education_label",
            "joined_party_on",
            "category",
            "category_label",
            "organisation",
            "organisation_name",
            "mobile",
            "id_number",
            "personal_data_visible",
            "is_active",
            "left_on",
        ]
        read_only_fields = fields

    def _personal(self, member: Member) -> access.PersonalData:
        # Asked once per member and request; needs member.organisation (select_related by the view).
        cache = self.context.setdefault("_personal_data", {})
        if member.pk not in cache:
            cache[member.pk] = access.personal_data(self.context["request"].user, member)
        return cache[member.pk]

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_personal_data_visible(self, member: Member) -> bool:
        return self._personal(member).full

    @extend_schema_field(OpenApiTypes.STR)
    def get_id_number(self, member: Member) -> str:
        return self._personal(member).id_number

    @extend_schema_field(OpenApiTypes.STR)
    def get_mobile(self, member: Member) -> str:
        return self._personal(member).mobile


class TransferRecordSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Transfer
        fields = [
            "id",
            "member",
            "kind",
            "kind_label",
            "from_organisation",
            "to_organisation",
            "outside_organisation",
            "transferred_on",
            "reason",
            "status",
            "status_label",
            "decided_at",
            "decision_reason",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "status": {
                "help_text": _(
                    "`pending` until the receiving organisation accepts or declines a transfer within "
                    "the street, or the sender withdraws it; then `accepted`, `declined` or `withdrawn`."
                )
            }
        }


class TransferSerializer(TransferRecordSerializer):
    """A transfer in the transfers list, with the member's name."""

    member_name = serializers.CharField(source="member.name", read_only=True)

    class Meta(TransferRecordSerializer.Meta):
        fields = [*TransferRecordSerializer.Meta.fields, "member_name"]
        read_only_fields = fields


class TransferFilterSerializer(serializers.Serializer):
    """Query parameters of GET /api/transfers/."""

    status = serializers.ChoiceField(
        choices=TransferStatus.choices, required=False, help_text=_("Only transfers with this status.")
    )


class TransferDecisionSerializer(serializers.Serializer):
    """Input of accept, decline and withdraw."""

    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text=_("Why; required to decline."),
    )


class TenureSerializer(serializers.ModelSerializer):
    """A post the member holds or held; `part_time` with `from_organisation` for a cross-held
    (兼职) post in the street or a community committee."""

    organisation = serializers.IntegerField(source="post.organisation_id", read_only=True)
    organisation_name = serializers.CharField(source="post.organisation.name", read_only=True)
    title = serializers.CharField(source="post.title", read_only=True)
    title_label = serializers.CharField(source="post.get_title_display", read_only=True)
    from_organisation_name = serializers.CharField(
        source="from_organisation.name", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = Tenure
        fields = [
            "id",
            "post",
            "organisation",
            "organisation_name",
            "title",
            "title_label",
            "started_on",
            "ended_on",
            "part_time",
            "from_organisation",
            "from_organisation_name",
        ]
        read_only_fields = fields


class MemberDetailSerializer(MemberSerializer):
    transfers = TransferRecordSerializer(many=True, read_only=True)
    tenures = TenureSerializer(many=True, read_only=True)

    class Meta(MemberSerializer.Meta):
        fields = [*MemberSerializer.Meta.fields, "transfers", "tenures"]
        read_only_fields = fields


def _check_id_number(value: str, birth_date) -> None:
    """Run the shared identity-number check and report its errors on the `id_number` field."""
    try:
        validate_id_number(value, birth_date)
    except DjangoValidationError as exc:
        raise serializers.ValidationError({"id_number": exc.messages}) from exc


class MemberFilterSerializer(serializers.Serializer):
    """Query parameters of GET /api/members/."""

    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(),
        required=False,
        help_text=_("Only members of this organisation and its subtree."),
    )
    category = serializers.ChoiceField(choices=MemberCategory.choices, required=False)
    search = serializers.CharField(required=False, max_length=50, help_text=_("Part of the member's name."))
    include_left = serializers.BooleanField(
        required=False, default=False, help_text=_("Also list members who have left the street.")
    )


class CleanedCharField(serializers.CharField):
    """Text normalised and checked by `cleaner` (orgchart.validators) before any validator runs."""

    cleaner = staticmethod(lambda value: value)

    def to_internal_value(self, data):
        return self.cleaner(super().to_internal_value(data))


class NameField(CleanedCharField):
    cleaner = staticmethod(clean_name)


class MobileField(CleanedCharField):
    cleaner = staticmethod(clean_mobile)


class MemberCreateSerializer(serializers.ModelSerializer):
    """Input of POST /api/members/; services.create_member decides who may and what is valid."""

    name = NameField(label=Member._meta.get_field("name").verbose_name, max_length=50)
    mobile = MobileField(label=Member._meta.get_field("mobile").verbose_name, max_length=11)

    id_number = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        max_length=18,
        help_text=_(
            "18-character resident identity number; stored encrypted, never shown in full to others."
        ),
    )

    class Meta:
        model = Member
        fields = [
            "name",
            "gender",
            "birth_date",
            "education",
            "joined_party_on",
            "mobile",
            "category",
            "organisation",
            "id_number",
        ]

    def validate_birth_date(self, value):
        try:
            check_birth_date(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc
        return value

    def validate(self, attrs: dict) -> dict:
        # The service checks the ID number too; checking here first puts its errors on the field.
        id_number = attrs["id_number"] = normalise_id_number(attrs.get("id_number"))
        if id_number:
            _check_id_number(id_number, attrs.get("birth_date", getattr(self.instance, "birth_date", None)))
        else:
            attrs.pop("id_number", None)
        return attrs


class MemberUpdateSerializer(MemberCreateSerializer):
    """Input of PATCH /api/members/<id>/: a member changes branch only by a transfer, which keeps history."""

    class Meta(MemberCreateSerializer.Meta):
        fields = [name for name in MemberCreateSerializer.Meta.fields if name != "organisation"]

    def validate(self, attrs: dict) -> dict:
        if "organisation" in self.initial_data:
            # Same message as services.update_member, so one translation serves both.
            raise serializers.ValidationError(
                {"organisation": _("Use a transfer to move a member to another branch.")}
            )
        return super().validate(attrs)


class MemberTransferSerializer(serializers.Serializer):
    """Input of POST /api/members/<id>/transfer/: to a branch in the street, or out of it."""

    to_organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("The branch or party group in the street to transfer to."),
    )
    outside_organisation = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text=_("The organisation outside the street, when transferring out."),
    )
    on = serializers.DateField(required=False, help_text=_("Defaults to today."))
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200)


# The current user ---------------------------------------------------------------------------


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    is_superuser = serializers.BooleanField()
    member = MemberSerializer(allow_null=True, help_text=_("Your party member record, if you have one."))
    manages_everything = serializers.BooleanField()
    managed_organisations = OrganisationSerializer(
        many=True, help_text=_("The organisations whose subtrees you manage.")
    )
