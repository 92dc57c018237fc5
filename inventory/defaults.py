"""The default martech taxonomy: eleven tool categories (name, slug, description).

Used by the data migration that creates them and by ``ensure_default_categories``
(tests whose database was flushed, the demo seed, and an administrator who wants
the defaults back). Administrators edit the categories in Django admin.
"""

DEFAULT_CATEGORIES = [
    ("CRM", "crm", "Customer records, accounts, contacts and the sales pipeline."),
    ("Marketing automation", "marketing-automation", "E-mail, nurture programmes, lead scoring and campaigns."),
    ("Customer data platform (CDP)", "cdp", "Unified customer profiles and audiences built from many sources."),
    ("Analytics", "analytics", "Web, product and marketing analytics; dashboards and attribution."),
    ("Content / DAM", "content-dam", "Content management, digital asset management and the website."),
    ("Social", "social", "Publishing, listening and engagement on social networks."),
    ("Advertising", "advertising", "Paid media: ad servers, DSPs, search and social advertising."),
    ("E-commerce", "e-commerce", "Online store, catalogue, checkout and order management."),
    ("Data warehouse", "data-warehouse", "Central storage of company data for reporting and modelling."),
    ("Personalization", "personalization", "Tailored content, recommendations and experimentation."),
    ("Consent management", "consent-management", "Cookie banners, consent records and privacy preferences."),
]


def ensure_default_categories(category_model=None) -> int:
    """Create any missing default category (matched by slug); returns how many were created."""
    if category_model is None:
        from inventory.models import ToolCategory as category_model
    created = 0
    for position, (name, slug, description) in enumerate(DEFAULT_CATEGORIES, start=1):
        _, new = category_model.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description, "position": position * 10}
        )
        created += new
    return created
