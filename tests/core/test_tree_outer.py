"""core.tree.outer_subtree_q: the subtree of each outer row, as a range usable by the path index."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from orgchart import queries
from orgchart.models import Member, Organisation


def test_subtree_member_count_counts_active_members_of_the_whole_subtree(street, roles):
    rows = dict(Organisation.objects.annotate(n=queries.subtree_member_count()).values_list("pk", "n"))
    for org in Organisation.objects.all():
        assert rows[org.pk] == Member.objects.active().filter(organisation__path__startswith=org.path).count()


def test_subtree_member_count_uses_a_range_not_like(street):
    with CaptureQueriesContext(connection) as captured:
        list(Organisation.objects.annotate(n=queries.subtree_member_count()))
    assert " LIKE " not in captured.captured_queries[-1]["sql"].upper()
