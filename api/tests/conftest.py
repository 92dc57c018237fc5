import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from api.models import Scope
from api.services import token_create


def client_for(user, scope: str = Scope.WRITE) -> APIClient:
    """An API client signed in with a new personal token of ``user``."""
    _, secret = token_create(actor=user, name="test", scope=scope, expires_at=None)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


@pytest.fixture
def api_for(db):
    return client_for


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    """Throttle counts live in the cache: each test starts with none (ids repeat between tests)."""
    cache.clear()
    yield
    cache.clear()
