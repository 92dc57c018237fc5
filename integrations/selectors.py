"""Reads for the integrations pages; each takes the viewer and shows only what
they manage (``projects.access.can_manage_integrations``). Anything else does
not exist for them (404)."""

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet

from governance.models import User
from integrations.models import ChatChannel, Delivery, DeliveryStatus, Subscription
from projects.access import NotVisible, is_administrator, sees_everything, visible_projects
from projects.models import Project

LOG_PAGE_SIZE = 25
LIST_PAGE_SIZE = 25


def manageable_projects(viewer: User) -> QuerySet[Project]:
    """Projects whose integrations ``viewer`` manages (the ``can_manage`` rule, in SQL)."""
    projects = visible_projects(viewer)
    if sees_everything(viewer):
        return projects
    return projects.filter(
        Q(owner=viewer) | Q(marketing_sponsor=viewer) | Q(it_sponsor=viewer) | Q(it_lead=viewer)
    ).distinct()


def _scope(viewer: User) -> Q:
    scope = Q(project__in=manageable_projects(viewer).values("pk"))
    if is_administrator(viewer):
        scope |= Q(project__isnull=True)
    return scope


def may_add(viewer: User) -> bool:
    return is_administrator(viewer) or manageable_projects(viewer).exists()


def subscriptions(viewer: User, page_number) -> Page:
    """The subscriptions ``viewer`` manages, with their waiting and failed delivery counts (one query a page)."""
    rows = (
        Subscription.objects.filter(_scope(viewer))
        .select_related("project", "owner")
        .annotate(
            waiting=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.PENDING)),
            failed=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.FAILED)),
        )
        .order_by("project__name", "url", "pk")
    )
    return Paginator(rows, LIST_PAGE_SIZE).get_page(page_number)


def subscription_or_404(viewer: User, pk: int) -> Subscription:
    subscription = Subscription.objects.filter(_scope(viewer), pk=pk).select_related("project", "owner").first()
    if subscription is None:
        raise NotVisible("No such subscription.")
    return subscription


def delivery_log(subscription: Subscription, page_number) -> Page:
    """The subscription's deliveries, newest first (one query a page, plus the count)."""
    rows = subscription.deliveries.only(
        "pk",
        "event_id",
        "event",
        "status",
        "attempts",
        "next_retry_at",
        "response_code",
        "duration_ms",
        "error",
        "created_at",
        "delivered_at",
        "subscription_id",
    ).order_by("-created_at", "-pk")
    return Paginator(rows, LOG_PAGE_SIZE).get_page(page_number)


def delivery_or_404(viewer: User, pk: int) -> Delivery:
    delivery = Delivery.objects.filter(pk=pk).select_related("subscription__project").first()
    if delivery is None:
        raise NotVisible("No such delivery.")
    subscription_or_404(viewer, delivery.subscription_id)
    return delivery


def channels(viewer: User, page_number) -> Page:
    """The chat channels ``viewer`` manages, with how many events wait to be posted."""
    rows = (
        ChatChannel.objects.filter(_scope(viewer))
        .select_related("project", "owner")
        .annotate(waiting=Count("items", filter=Q(items__posted_at__isnull=True)))
        .order_by("project__name", "name", "pk")
    )
    return Paginator(rows, LIST_PAGE_SIZE).get_page(page_number)


def channel_or_404(viewer: User, pk: int) -> ChatChannel:
    channel = ChatChannel.objects.filter(_scope(viewer), pk=pk).select_related("project", "owner").first()
    if channel is None:
        raise NotVisible("No such channel.")
    return channel
