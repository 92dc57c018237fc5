"""The fault suite's data, written into its private database by a subprocess:
``manage.py shell -c "from tests.faults.scenario import build; build(0, 4)"``.

Project ``i`` (``Fault project i``) has an owner ``owner<i>@example.com`` and an
IT lead ``lead<i>@example.com`` and steps 2 and 6 in progress with nobody
Accountable: each person gets one digest of two steps.
"""

from django.utils import timezone

from conftest import ProjectFactory, UserFactory
from governance.models import Department
from projects.models import StepStatus


def expected(first: int, count: int) -> set[tuple[str, str]]:
    """(recipient, "project / step N") for every reminder of projects first..first+count-1."""
    return {
        (f"{who}{i}@example.com", f"Fault project {i} / step {n}")
        for i in range(first, first + count)
        for who in ("owner", "lead")
        for n in (2, 6)
    }


def build(first: int, count: int) -> None:
    for i in range(first, first + count):
        owner = UserFactory(username=f"owner{i}", email=f"owner{i}@example.com", department=Department.MARKETING_OPS)
        it_lead = UserFactory(username=f"lead{i}", email=f"lead{i}@example.com", department=Department.IT)
        project = ProjectFactory.create(owner=owner, it_lead=it_lead, name=f"Fault project {i}")
        project.steps.filter(number__in=[2, 6]).update(status=StepStatus.IN_PROGRESS, started_at=timezone.now())
