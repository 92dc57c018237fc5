from django.urls import path

from inventory import views

app_name = "inventory"

urlpatterns = [
    path("", views.tool_list, name="tool_list"),
    path("new/", views.tool_new, name="tool_new"),
    path("import/", views.tool_import, name="tool_import"),
    path("import/template.csv", views.import_template, name="import_template"),
    path("<int:pk>/", views.tool_detail, name="tool_detail"),
    path("<int:pk>/edit/", views.tool_edit, name="tool_edit"),
    path("<int:pk>/retire/", views.tool_retire, name="tool_retire"),
]
