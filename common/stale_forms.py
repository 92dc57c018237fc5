"""The form shown after a save refused as stale (someone else saved first).

Any model form whose service checks a version (``projects.services.StaleEdit``
and the like) rebuilds its page here: the current values, with the person's
own changes on top, and the current version.
"""

from django.db.models import Model


def reapplied(form_class, post, fresh: Model, opened: Model | None, stale, fields, **form_kwargs):
    """The form after a stale save: the current values (``fresh``), with the
    user's own changes (what differs in ``post`` from the page as ``opened``) on
    top, and the current version (``stale.version``), so saving again applies
    their changes and never undoes the other save. The refusal, ``stale`` with
    what changed meanwhile, is at the top."""
    now = form_class(instance=fresh, **form_kwargs).initial
    before = form_class(instance=opened, **form_kwargs).initial if opened is not None else None
    data = post.copy()
    for name in fields:
        field = form_class.base_fields[name]
        if before is not None and not field.has_changed(before.get(name), data.get(name)):
            data[name] = as_posted(now.get(name))
    data["version"] = str(stale.version)
    form = form_class(data, instance=fresh, **form_kwargs)
    form.is_valid()
    form.add_error(None, stale)
    return form


def as_posted(value) -> str:
    """A form's initial value as a browser would post it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else ""  # a checkbox
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, Model):
        return str(value.pk)
    return str(value)
