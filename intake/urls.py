from django.urls import path

from intake import views

app_name = "intake"

urlpatterns = [
    path("", views.request_list, name="list"),
    path("new/", views.request_new, name="new"),
    path("overlaps/", views.overlaps, name="overlaps"),
    path("<int:pk>/", views.request_detail, name="detail"),
    path("<int:pk>/edit/", views.request_edit, name="edit"),
    path("<int:pk>/review/<str:kind>/", views.review, name="review"),
    path("<int:pk>/approve/", views.approve, name="approve"),
    path("<int:pk>/transition/", views.transition, name="transition"),
    path("<int:pk>/waive/", views.waive, name="waive"),
]
