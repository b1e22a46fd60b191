from orgchart import access
from orgchart.queries import subtree_statistics


def test_community_secretary_manages_only_their_community(street, roles):
    sec = roles["community_secretary"]
    assert access.can_manage(sec, street["branch1"])
    assert not access.can_manage(sec, street["branch2"])
    assert not access.can_manage(sec, street["street"])


def test_statistics_count_members_of_subtree(street, roles):
    stats = subtree_statistics(street["community1"])
    # two secretaries and the plain member are in branch 1
    assert stats.members == 3
    assert subtree_statistics(street["street"]).members == 4
