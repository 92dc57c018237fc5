"""Benchmark: the reminder sweep over N projects (10 steps each, 10% of steps unowned).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tandem_bench \
        .venv/bin/python bench/reminders_sweep.py 1000 10000

For each size it builds the data with bulk inserts (flushing the database
first: use a database of its own), then times one real sweep (claiming and
"sending" through Django's in-memory e-mail backend) and counts its queries,
beside a bare COUNT(*) over the same condition measured in the same run.
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "governance.settings")
os.environ.setdefault("DJANGO_DEBUG", "true")
os.environ["TANDEM_EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
    sys.exit("Set DATABASE_URL to a PostgreSQL database of its own (it is flushed).")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from governance.models import Department, User  # noqa: E402
from projects.lifecycle import LIFECYCLE  # noqa: E402
from projects.models import LifecycleStep, Project, StepStatus  # noqa: E402
from raci.models import RaciAssignment, Reminder, Role  # noqa: E402
from raci.reminder_sweep import sweep  # noqa: E402

COUNT_SQL = """
SELECT COUNT(*) FROM projects_lifecyclestep s
JOIN projects_project p ON p.id = s.project_id
WHERE p.status = 'active' AND s.status <> 'done'
  AND (s.status = 'in_progress' OR s.due_date <= CURRENT_DATE + 14)
  AND NOT EXISTS (SELECT 1 FROM raci_raciassignment a WHERE a.step_id = s.id AND a.role = 'A')
"""


def build(projects: int) -> None:
    call_command("flush", interactive=False, verbosity=0)
    owners = User.objects.bulk_create(
        [
            User(username=f"owner{i}", email=f"owner{i}@example.com", department=Department.MARKETING_OPS)
            for i in range(10)
        ]
    )
    leads = User.objects.bulk_create(
        [User(username=f"lead{i}", email=f"lead{i}@example.com", department=Department.IT) for i in range(10)]
    )
    rows = Project.objects.bulk_create(
        [
            Project(name=f"Project {i}", slug=f"project-{i}", problem="x", owner=owners[i % 10], it_lead=leads[i % 10])
            for i in range(projects)
        ],
        batch_size=2000,
    )
    now = timezone.now()
    steps = []
    for index, project in enumerate(rows):
        unowned = index % 10  # one step in ten has no Accountable person
        for template in LIFECYCLE:
            status = StepStatus.IN_PROGRESS if template.number - 1 == unowned else StepStatus.NOT_STARTED
            steps.append(
                LifecycleStep(
                    project=project, number=template.number, key=template.key, name=template.name,
                    suggested_side=template.suggested_side, status=status,
                    started_at=now if status == StepStatus.IN_PROGRESS else None,
                )
            )  # fmt: skip
    LifecycleStep.objects.bulk_create(steps, batch_size=5000)
    assignments = [
        RaciAssignment(step=step, user=leads[i % 10], role=Role.ACCOUNTABLE)
        for i, step in enumerate(steps)
        if step.status != StepStatus.IN_PROGRESS
    ]
    RaciAssignment.objects.bulk_create(assignments, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def measure(projects: int) -> dict:
    build(projects)
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(COUNT_SQL)
        unowned = cursor.fetchone()[0]
        count_seconds = time.perf_counter() - started
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = sweep(trigger="bench")
        sweep_seconds = time.perf_counter() - started
    return {
        "projects": projects,
        "steps": LifecycleStep.objects.count(),
        "unowned": unowned,
        "queries": len(queries.captured_queries),
        "sweep_s": sweep_seconds,
        "count_ms": count_seconds * 1000,
        "emails": result.recipients,
        "reminders": Reminder.objects.filter(sent_at__isnull=False).count(),
    }


def main(sizes: list[int]) -> None:
    print("| projects | steps | unowned steps | sweep queries | sweep time | bare COUNT(*) | e-mails | reminders |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for size in sizes:
        m = measure(size)
        print(
            f"| {m['projects']:,} | {m['steps']:,} | {m['unowned']:,} | {m['queries']} | {m['sweep_s']:.2f} s "
            f"| {m['count_ms']:.1f} ms | {m['emails']} | {m['reminders']:,} |"
        )


if __name__ == "__main__":
    main([int(arg) for arg in sys.argv[1:]] or [1000, 10000])
