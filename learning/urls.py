from django.urls import path

from . import views

app_name = "learning"

urlpatterns = [
    path("<int:briefing_id>/we-used-this/", views.we_used_this, name="we_used_this"),
    path(
        "<int:briefing_id>/we-used-this/thanks/",
        views.we_used_this_thanks,
        name="we_used_this_thanks",
    ),
]
