"""Links that keep a list page's filters: the current query string with some parameters changed."""


def changed_query(params, **changes) -> str:
    """``params`` (a ``QueryDict``) url-encoded with ``changes`` applied: a
    parameter given a value replaces the old one, one given a false value is dropped."""
    query = params.copy()
    for name, value in changes.items():
        query.pop(name, None)
        if value:
            query[name] = value
    return query.urlencode()
