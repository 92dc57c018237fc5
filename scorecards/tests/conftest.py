import pytest

from scorecards.defaults import ensure_default_criteria


@pytest.fixture
def default_criteria(django_db_blocker):
    """The ten defaults, even after a transactional test flushed the migration's rows."""
    with django_db_blocker.unblock():
        ensure_default_criteria()
