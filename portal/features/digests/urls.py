from django.urls import path

from portal.features.digests import views

urlpatterns = [
    path("subscriptions/", views.subscriptions, name="subscriptions"),
    path("subscriptions/new/", views.edit_subscription, name="subscription-new"),
    path("subscriptions/<int:subscription_id>/", views.edit_subscription,
         name="subscription-edit"),
    path("subscriptions/<int:subscription_id>/delete/", views.delete_subscription,
         name="subscription-delete"),
    path("subscriptions/<int:subscription_id>/toggle/", views.toggle_subscription,
         name="subscription-toggle"),
    path("subscriptions/preview/<str:frequency>/", views.preview, name="digest-preview"),
    path("digests/", views.archive, name="digest-archive"),
    path("digests/<int:delivery_id>/", views.archived_digest, name="digest-archived"),
    path("digests/unsubscribe/<str:key>/", views.unsubscribe, name="digest-unsubscribe"),
]
