"""The project page's decision log: what each app records, merged newest first.

Step completions come from ``projects.selectors``, vendor choices and their
withdrawals from ``scorecards.selectors``; both as ``projects.selectors.LogEntry``.
"""

from projects.models import Project
from projects.selectors import LogEntry, completion_log
from scorecards.selectors import ProjectScorecard, vendor_decision_log


def decision_log(project: Project, vendor: ProjectScorecard | None) -> list[LogEntry]:
    """Every entry, newest first (one query: the step history; ``vendor``'s decisions are loaded)."""
    return sorted(completion_log(project) + vendor_decision_log(vendor), key=lambda e: e.when, reverse=True)
