"""The ten default criteria: five IT priorities, five Marketing priorities (group, name, description).

Used by the data migration that creates them and by ``ensure_default_criteria``
(tests whose database was flushed, and a fresh install whose administrator
removed every criterion by mistake can restore them from the shell).
"""

DEFAULT_CRITERIA = [
    ("it", "Security", "Protects customer and company data; passes the security review."),
    ("it", "Infrastructure", "Fits the hosting, networks and platforms IT runs."),
    ("it", "Data integrity", "Keeps data accurate, consistent and traceable."),
    ("it", "Standardization", "Follows the company's standards; no one-off technology."),
    ("it", "Cost", "Total cost of ownership: licences, integration, running costs."),
    ("marketing", "Customer experience", "Improves what customers see and feel."),
    ("marketing", "Integration", "Works with the marketing tools and channels in use."),
    ("marketing", "Actionable data", "Turns data into decisions marketers can act on."),
    ("marketing", "Scalability", "Grows with campaigns, audiences and markets."),
    ("marketing", "Ease of operation", "Marketers can run it day to day without IT tickets."),
]


def ensure_default_criteria(criterion_model=None) -> int:
    """Create any missing default criterion; returns how many were created."""
    if criterion_model is None:
        from scorecards.models import Criterion as criterion_model
    created = 0
    for position, (group, name, description) in enumerate(DEFAULT_CRITERIA):
        _, new = criterion_model.objects.get_or_create(
            name=name, defaults={"group": group, "description": description, "position": position}
        )
        created += new
    return created
