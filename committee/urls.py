from django.urls import path

from committee import views

app_name = "committee"

urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("members/", views.members, name="members"),
    path("new/", views.meeting_new, name="new"),
    path("<int:pk>/", views.meeting_detail, name="meeting"),
    path("<int:pk>/edit/", views.meeting_edit, name="edit"),
    path("<int:pk>/agenda/", views.agenda_generate, name="agenda_generate"),
    path("<int:pk>/send/", views.agenda_send, name="agenda_send"),
    path("<int:pk>/items/<int:item_pk>/decide/", views.item_decide, name="decide"),
    path("<int:pk>/minutes/", views.minutes, name="minutes"),
    path("<int:pk>/minute/", views.meeting_minute, name="minute"),
    path("<int:pk>/invitation.ics", views.invitation, name="invitation"),
    path("<int:pk>/actions/", views.action_add, name="action_add"),
    path("actions/<int:pk>/done/", views.action_done, name="action_done"),
]
