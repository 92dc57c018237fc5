"""Demo data for this app, added by ``seed_demo`` (idempotent)."""

from governance.models import User


def seed(people: dict[str, User]) -> None:
    """Nothing yet."""
