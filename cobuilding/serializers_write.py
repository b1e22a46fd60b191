"""Request bodies of the co-building API's writes (create and update of agreements, resources and
needs). Ids are looked up only among what the user may pick (cobuilding.access.choosable_*): a
forged or another street's id is "invalid", never a hint that it exists. The services check
everything else and refuse in Chinese; nothing is written then."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from orgchart.models import Organisation

from . import access, unit_access, unit_side
from .models import AgreementStatus, OutsideUnit
from .serializers import id_field


def _either(first, second):
    """Rows of either queryset (one query; `|` refuses querysets built differently)."""
    return first.model.objects.filter(Q(pk__in=first.values("pk")) | Q(pk__in=second.values("pk")))


class _ScopedChoices(serializers.Serializer):
    """Fills the querysets of the id fields from the request's user. With `unit_side`, a unit's
    contact or post-holder may also pick their own units and the lists those may offer to (the
    service then checks that the unit is theirs and the list one it may offer to)."""

    unit_side = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        user = request.user if request is not None else None
        choices = {
            "community": access.choosable_communities(user),
            "unit_org": access.choosable_unit_orgs(user),
            "outside_unit": access.choosable_outside_units(user),
        }
        units = unit_access.page_units(user)[0] if self.unit_side else []
        if units:
            org_ids = [u.pk for u in units if isinstance(u, Organisation)]
            outside_ids = [u.pk for u in units if isinstance(u, OutsideUnit)]
            offer = None
            for unit in units:
                lists = unit_side.offer_communities(unit)
                offer = lists if offer is None else _either(offer, lists)
            choices["community"] = _either(choices["community"], offer)
            choices["unit_org"] = _either(choices["unit_org"], Organisation.objects.filter(pk__in=org_ids))
            choices["outside_unit"] = _either(
                choices["outside_unit"], OutsideUnit.objects.filter(pk__in=outside_ids)
            )
        for name, queryset in choices.items():
            if name in self.fields:
                self.fields[name].queryset = queryset
        self.published_choices = {
            "published_to_orgs": choices["unit_org"],
            "published_to_outside": choices["outside_unit"],
        }


def _text(max_length: int, **kwargs) -> serializers.CharField:
    return serializers.CharField(required=False, allow_blank=True, max_length=max_length, **kwargs)


def _community() -> serializers.PrimaryKeyRelatedField:
    return serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.none(), help_text=_("A community you manage, or the street.")
    )


def _unit_fields() -> dict:
    return {
        "unit_org": serializers.PrimaryKeyRelatedField(
            queryset=Organisation.objects.none(),
            required=False,
            allow_null=True,
            help_text=_("A unit party organisation of the street; or give outside_unit."),
        ),
        "outside_unit": serializers.PrimaryKeyRelatedField(
            queryset=OutsideUnit.objects.none(), required=False, allow_null=True
        ),
    }


class AgreementUpdateSerializer(serializers.Serializer):
    starts_on = serializers.DateField(required=False)
    ends_on = serializers.DateField(required=False)
    signed_on = serializers.DateField(required=False, allow_null=True)
    community_contact = _text(50)
    community_contact_phone = _text(30)
    unit_contact = _text(50)
    unit_contact_phone = _text(30)
    content = _text(2000)


class AgreementCreateSerializer(_ScopedChoices, AgreementUpdateSerializer):
    community = _community()
    unit_org, outside_unit = _unit_fields().values()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    status = serializers.ChoiceField(
        choices=[AgreementStatus.DRAFT, AgreementStatus.ACTIVE],
        default=AgreementStatus.DRAFT,
        help_text=_("draft (the default) or active; an active one may not overlap another of the pair."),
    )


class ResourceUpdateSerializer(serializers.Serializer):
    kind = _text(20, help_text=_("venue, funds, equipment, training, experts or volunteers."))
    description = _text(2000)
    quantity = serializers.IntegerField(required=False)
    available_from = serializers.DateField(required=False)
    available_until = serializers.DateField(required=False, allow_null=True)


class ResourceCreateSerializer(_ScopedChoices, ResourceUpdateSerializer):
    unit_side = True
    community = _community()
    kind = _text(20, default="", help_text=_("venue, funds, equipment, training, experts or volunteers."))
    unit_org, outside_unit = _unit_fields().values()
    available_from = serializers.DateField()


class NeedUpdateSerializer(_ScopedChoices, serializers.Serializer):
    kind = _text(20, help_text=_("The kind of resource wanted; required."))
    description = _text(2000)
    wanted_from = serializers.DateField(required=False)
    wanted_until = serializers.DateField(required=False)
    published_to_orgs = serializers.ListField(
        child=id_field(),
        required=False,
        max_length=200,
        help_text=_("Unit party organisations the need is published to (replaces the list)."),
    )
    published_to_outside = serializers.ListField(
        child=id_field(),
        required=False,
        max_length=200,
        help_text=_("Outside units the need is published to (replaces the list)."),
    )

    def _units(self, name: str, ids: list[int]) -> list:
        """The units of `ids` in one query; an id the user may not pick is refused, unnamed."""
        found = list(self.published_choices[name].filter(pk__in=set(ids)))
        if len(found) != len(set(ids)):
            raise serializers.ValidationError(_("Choose units of your street."), code="invalid")
        return found

    def validate_published_to_orgs(self, ids: list[int]) -> list:
        return self._units("published_to_orgs", ids)

    def validate_published_to_outside(self, ids: list[int]) -> list:
        return self._units("published_to_outside", ids)


class NeedCreateSerializer(NeedUpdateSerializer):
    community = _community()
    kind = _text(20, default="", help_text=_("The kind of resource wanted; required."))
    description = _text(2000, default="")
    wanted_from = serializers.DateField()
    wanted_until = serializers.DateField()
