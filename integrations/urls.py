from django.urls import path

from integrations import views

app_name = "integrations"

urlpatterns = [
    path("", views.subscription_list, name="subscriptions"),
    path("webhooks/new/", views.subscription_new, name="subscription_new"),
    path("webhooks/<int:pk>/", views.subscription_detail, name="subscription_detail"),
    path("webhooks/<int:pk>/edit/", views.subscription_edit, name="subscription_edit"),
    path("webhooks/<int:pk>/delete/", views.subscription_delete, name="subscription_delete"),
    path("deliveries/<int:pk>/send-again/", views.delivery_resend, name="delivery_resend"),
    path("chat/", views.channel_list, name="channels"),
    path("chat/new/", views.channel_new, name="channel_new"),
    path("chat/<int:pk>/edit/", views.channel_edit, name="channel_edit"),
    path("chat/<int:pk>/delete/", views.channel_delete, name="channel_delete"),
]
