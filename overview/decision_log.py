"""The project page's decision log: what each app records, merged newest first.

Step completions come from ``projects.selectors``, vendor choices and their
withdrawals from ``scorecards.selectors``, the intake request's IT reviews and
approval from ``intake.selectors``; all as ``projects.selectors.LogEntry``.
"""

from intake.selectors import decision_log as intake_decision_log
from projects.models import Project
from projects.selectors import LogEntry, completion_log
from scorecards.selectors import ProjectScorecard, vendor_decision_log


def decision_log(project: Project, vendor: ProjectScorecard | None) -> list[LogEntry]:
    """Every entry, newest first (the step history and the intake record: three
    queries, two for a project without a request; ``vendor``'s decisions are loaded)."""
    entries = completion_log(project) + vendor_decision_log(vendor) + intake_decision_log(project)
    return sorted(entries, key=lambda e: e.when, reverse=True)
