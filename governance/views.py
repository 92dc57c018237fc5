"""The organization's own pages: logging in, the health probe, a person's preferences.

Imports no other Tandem app.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import LoginView
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from governance.forms import PreferencesForm


class TandemLoginView(LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


login_view = login_not_required(TandemLoginView.as_view())


@login_not_required
@require_GET
def health(request):
    """Load-balancer probe: the process answers and the database does."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@require_http_methods(["GET", "POST"])
def preferences(request):
    form = PreferencesForm(request.POST if request.method == "POST" else None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Preferences saved.")
        return redirect("preferences")
    return render(request, "governance/preferences.html", {"form": form})
