"""The default IT review checklist (key, label, guidance, applies to).

Used by the data migration that creates it and by ``ensure_default_checks``
(tests whose database was flushed, the demo seed, and an administrator who
wants the defaults back). Administrators edit the checklist in Django admin.
"""

SECURITY = "security_privacy"
INTEGRATION = "integration_overlap"
BOTH = "both"

DEFAULT_CHECKS = [
    ("data-location", "Data location", "Where the data is stored and processed; inside the EU or under an adequacy decision.", SECURITY),
    ("access-control", "Access control", "Roles, least privilege, audit logs, how access is removed when people leave.", SECURITY),
    ("sso", "SSO support", "Sign-in through the company's single sign-on; no shared accounts.", BOTH),
    ("vendor-certification", "Vendor certification", "ISO 27001, SOC 2 type II or equivalent, current.", SECURITY),
    ("dpa", "Data processing agreement", "A signed DPA covering the kinds of personal data named in the request.", SECURITY),
    ("integration-impact", "Integration impact", "The systems it connects to, how, and what changes for them.", BOTH),
    ("overlap", "Overlap with tools in use", "What we already pay for that does the same; what it would retire.", INTEGRATION),
]  # fmt: skip


def ensure_default_checks(check_model=None) -> int:
    """Create any missing default check (matched by key); returns how many were created."""
    if check_model is None:
        from intake.models import ReviewCheck as check_model
    created = 0
    for position, (key, label, guidance, applies_to) in enumerate(DEFAULT_CHECKS, start=1):
        _, new = check_model.objects.get_or_create(
            key=key,
            defaults={"label": label, "guidance": guidance, "applies_to": applies_to, "position": position * 10},
        )
        created += new
    return created
