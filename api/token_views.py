"""The personal API token pages, linked from the preferences page: list, create (the token
is shown once), revoke (after a confirmation). Writes go through ``api.services``."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from api import selectors, services
from api.forms import TokenForm

TOKENS_PER_PAGE = 50


@require_http_methods(["GET", "POST"])
def token_list(request):
    """Your tokens (last used, expiry, revoked) and the form creating one; the new token
    is shown on the page answering the POST, once, and never stored."""
    form = TokenForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        days = form.cleaned_data["expires_in"]
        expires_at = timezone.now() + timedelta(days=int(days)) if days else None
        try:
            row, secret = services.token_create(
                actor=request.user,
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
                expires_at=expires_at,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            created = {"token": row, "secret": secret}
            form = TokenForm()
    tokens = list(selectors.tokens_of(request.user)[:TOKENS_PER_PAGE])
    context = {"form": form, "tokens": tokens, "created": created, "now": timezone.now()}
    return render(request, "api/tokens.html", context)


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages_)
    else:
        form.add_error(None, error.messages)


@require_http_methods(["GET"])
def docs(request):
    """The API's reference (Swagger UI over /api/v1/schema/), vendored and started by a static script."""
    return render(request, "api/docs.html")


@require_http_methods(["GET", "POST"])
def token_revoke(request, pk: int):
    token = selectors.token_of(request.user, pk)
    if token is None:
        raise Http404("No such token.")
    if request.method == "POST":
        if services.token_revoke(actor=request.user, token=token):
            messages.success(request, f"The token “{token.name}” is revoked: it no longer works.")
        else:
            messages.info(request, f"The token “{token.name}” was already revoked.")
        return redirect("api:tokens")
    return render(request, "api/token_revoke.html", {"token": token})
