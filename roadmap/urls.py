from django.urls import path

from roadmap import views

app_name = "roadmap"

urlpatterns = [
    path("", views.index, name="index"),
    path("export.<str:fmt>", views.export, name="export"),
    path("launches.ics", views.launches, name="launches"),
    path("vision/", views.vision, name="vision"),
    path("marks/<slug:slug>/", views.mark, name="mark"),
]
