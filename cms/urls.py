from django.urls import path

from cms import following_views

urlpatterns = [
    path("items/<int:page_id>/follow/", following_views.follow_item, name="follow-item"),
    path("following/", following_views.following, name="following"),
    path("following/<int:follow_id>/unfollow/", following_views.unfollow, name="unfollow"),
]
