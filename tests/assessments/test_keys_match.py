"""The indicators' automatic keys and the evidence computations are the same list, in order."""

from assessments import evidence
from assessments.models import AutomaticKey


def test_every_automatic_key_has_its_evidence_computation_and_no_other():
    assert list(AutomaticKey.values) == list(evidence.KEYS)
