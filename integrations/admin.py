from django.contrib import admin

from integrations.models import ChatChannel, Delivery, Subscription


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ("url", "project", "owner", "is_active", "consecutive_failures")
    list_filter = ("is_active",)
    exclude = ("secret",)
    raw_id_fields = ("project", "owner")


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("event", "subscription", "status", "attempts", "response_code", "created_at")
    list_filter = ("status", "event")
    readonly_fields = ("event_id", "body")
    raw_id_fields = ("subscription",)


@admin.register(ChatChannel)
class ChatChannelAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "project", "owner", "is_active")
    raw_id_fields = ("project", "owner")
