"""Integrations pages. Thin: find what the viewer manages (404 otherwise), parse, call a service, render."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from integrations import selectors, services
from integrations.forms import ChannelForm, SubscriptionForm
from projects.forms import add_service_errors


def _require_may_add(request) -> None:
    if not selectors.may_add(request.user):
        raise PermissionDenied("You manage no project, so you cannot add an integration.")


@require_GET
def subscription_list(request):
    page = selectors.subscriptions(request.user, request.GET.get("page"))
    context = {"page": page, "may_add": selectors.may_add(request.user)}
    return render(request, "integrations/subscription_list.html", context)


@require_http_methods(["GET", "POST"])
def subscription_new(request):
    _require_may_add(request)
    form = SubscriptionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            subscription = services.subscription_create(
                actor=request.user,
                project=data.get("project"),
                url=data["url"],
                events=data["events"],
                description=data["description"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Subscribed. Copy the signing secret below into the receiver.")
            return redirect(subscription)
    return render(request, "integrations/subscription_form.html", {"form": form, "subscription": None})


@require_GET
def subscription_detail(request, pk: int):
    subscription = selectors.subscription_or_404(request.user, pk)
    context = {
        "subscription": subscription,
        "page": selectors.delivery_log(subscription, request.GET.get("page")),
        "is_owner": subscription.owner_id == request.user.pk,
    }
    return render(request, "integrations/subscription_detail.html", context)


@require_http_methods(["GET", "POST"])
def subscription_edit(request, pk: int):
    subscription = selectors.subscription_or_404(request.user, pk)
    initial = {
        "url": subscription.url,
        "events": subscription.events,
        "description": subscription.description,
        "is_active": subscription.is_active,
    }
    form = SubscriptionForm(request.POST or None, user=request.user, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.subscription_update(actor=request.user, subscription=subscription, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Subscription saved.")
            return redirect(subscription)
    return render(request, "integrations/subscription_form.html", {"form": form, "subscription": subscription})


@require_http_methods(["GET", "POST"])
def subscription_delete(request, pk: int):
    subscription = selectors.subscription_or_404(request.user, pk)
    if request.method == "POST":
        services.subscription_delete(actor=request.user, subscription=subscription)
        messages.success(request, f"Deleted the subscription for {subscription.url}.")
        return redirect("integrations:subscriptions")
    return render(request, "integrations/confirm_delete.html", {"thing": subscription, "kind": "subscription"})


@require_POST
def delivery_resend(request, pk: int):
    delivery = selectors.delivery_or_404(request.user, pk)
    try:
        services.delivery_resend(actor=request.user, delivery=delivery)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Sending it again now.")
    return redirect(delivery.subscription)


@require_GET
def channel_list(request):
    page = selectors.channels(request.user, request.GET.get("page"))
    return render(request, "integrations/channel_list.html", {"page": page, "may_add": selectors.may_add(request.user)})


@require_http_methods(["GET", "POST"])
def channel_new(request):
    _require_may_add(request)
    form = ChannelForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {**form.cleaned_data}
        try:
            services.channel_create(actor=request.user, project=data.pop("project", None), **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Channel added: events are posted in batches, a minute after things go quiet.")
            return redirect("integrations:channels")
    return render(request, "integrations/channel_form.html", {"form": form, "channel": None})


@require_http_methods(["GET", "POST"])
def channel_edit(request, pk: int):
    channel = selectors.channel_or_404(request.user, pk)
    initial = {"name": channel.name, "url": channel.url, "events": channel.events, "is_active": channel.is_active}
    form = ChannelForm(request.POST or None, user=request.user, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.channel_update(actor=request.user, channel=channel, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Channel saved.")
            return redirect("integrations:channels")
    return render(request, "integrations/channel_form.html", {"form": form, "channel": channel})


@require_http_methods(["GET", "POST"])
def channel_delete(request, pk: int):
    channel = selectors.channel_or_404(request.user, pk)
    if request.method == "POST":
        services.channel_delete(actor=request.user, channel=channel)
        messages.success(request, f"Deleted the channel {channel.name}.")
        return redirect("integrations:channels")
    return render(request, "integrations/confirm_delete.html", {"thing": channel, "kind": "channel"})
