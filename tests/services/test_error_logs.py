"""Recording agent errors and marking them recovered or reopened."""

from __future__ import annotations

import pytest

from sessions_app.errors import InvalidValue
from sessions_app.models import AgentErrorLog
from sessions_app.services import error_record, errors_set_recovered
from tests.factories import AgentErrorLogFactory, TechSpecSessionFactory

pytestmark = pytest.mark.django_db


def test_an_error_is_recorded_unrecovered_with_all_its_fields():
    session = TechSpecSessionFactory()
    error = error_record(
        session=session, node="research", error_type="Timeout", message="slow", stack_trace="tb",
        retry_count=2, recovery_strategy="retry",
    )
    row = AgentErrorLog.objects.get(pk=error.pk)
    assert (row.node, row.error_type, row.message, row.stack_trace, row.retry_count, row.recovery_strategy) == (
        "research", "Timeout", "slow", "tb", 2, "retry",
    )
    assert row.recovered is False


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"node": ""}, "node"), ({"error_type": " "}, "error_type"), ({"retry_count": -1}, "retry_count"),
     ({"message": ""}, "message"), ({"recovery_strategy": "x" * 101}, "recovery_strategy")],
)
def test_invalid_errors_are_refused_naming_the_field(changes, field):
    session = TechSpecSessionFactory()
    arguments = {"session": session, "node": "n", "error_type": "E", "message": "m", **changes}
    with pytest.raises(InvalidValue) as caught:
        error_record(**arguments)
    assert caught.value.details["field"] == field
    assert not AgentErrorLog.objects.exists()


# A missing session (or one the caller cannot see) never reaches the service: the API resolves it
# first, and tests/api/test_access.py checks that such a write is a 404 that writes nothing.


def test_marking_recovered_changes_only_the_named_errors_and_counts_them():
    first, second, untouched = AgentErrorLogFactory.create_batch(3)
    assert errors_set_recovered(error_ids=[first.pk, second.pk], recovered=True) == 2
    assert set(AgentErrorLog.objects.filter(recovered=True).values_list("pk", flat=True)) == {first.pk, second.pk}


def test_rows_already_in_the_requested_state_are_not_counted():
    done = AgentErrorLogFactory(recovered=True)
    open_ = AgentErrorLogFactory()
    assert errors_set_recovered(error_ids=[done.pk, open_.pk], recovered=True) == 1


def test_recovered_errors_can_be_reopened():
    error = AgentErrorLogFactory(recovered=True)
    assert errors_set_recovered(error_ids=[error.pk], recovered=False) == 1
    assert AgentErrorLog.objects.get(pk=error.pk).recovered is False


def test_a_session_filter_leaves_errors_of_other_sessions_alone():
    mine, theirs = AgentErrorLogFactory(), AgentErrorLogFactory()
    assert errors_set_recovered(error_ids=[mine.pk, theirs.pk], recovered=True, session=mine.session) == 1
    assert AgentErrorLog.objects.get(pk=theirs.pk).recovered is False



def test_an_empty_id_list_changes_nothing():
    AgentErrorLogFactory()
    assert errors_set_recovered(error_ids=[], recovered=True) == 0


def test_a_malformed_error_id_is_invalid_input():
    with pytest.raises(InvalidValue):
        errors_set_recovered(error_ids=["nope"], recovered=True)
