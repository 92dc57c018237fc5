import pytest

from conftest import UserFactory
from governance.models import Department
from inventory.defaults import ensure_default_categories
from inventory.models import ToolCategory


@pytest.fixture
def categories(db):
    """The eleven default categories by slug (a flushed database gets them back)."""
    ensure_default_categories()
    return {c.slug: c for c in ToolCategory.objects.all()}


@pytest.fixture
def mops(db):
    """An inventory manager by department (Marketing Ops)."""
    return UserFactory(username="maya", first_name="Maya", last_name="Patel", department=Department.MARKETING_OPS)


@pytest.fixture
def marketer(db):
    """Marketing, not an inventory manager: may read the stack, not change it."""
    return UserFactory(username="sofia", first_name="Sofia", last_name="Reyes", department=Department.MARKETING)
