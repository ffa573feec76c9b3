from django.urls import path

from portal.core.notifications import views

urlpatterns = [
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/<int:notification_id>/", views.open_notification,
         name="open-notification"),
    path("notifications/read/", views.mark_all_read, name="notifications-read"),
    path("notifications/settings/", views.preferences, name="notification-preferences"),
]
