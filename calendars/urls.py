from django.urls import path

from calendars import views

app_name = "calendars"

urlpatterns = [
    path("feed/<str:token>.ics", views.feed, name="feed"),
    path("link/", views.link_reset, name="link_reset"),
    path("link/stop/", views.link_stop, name="link_stop"),
]
