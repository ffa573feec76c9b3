from django.urls import path

from portal.core.organisations import sharing_views, views

urlpatterns = [
    path("membership/new-organisation/", views.request_organisation, name="request-organisation"),
    path("membership/<slug:slug>/join/", views.request_to_join, name="join-organisation"),
    path("membership/<slug:slug>/members/", views.manage_members, name="manage-members"),
    path("membership/<slug:slug>/members/<int:membership_id>/", views.change_role,
         name="change-role"),
    path("membership/<slug:slug>/members/<int:membership_id>/remove/", views.remove_member,
         name="remove-member"),
    path("membership/<slug:slug>/requests/<int:request_id>/", views.decide_join_request,
         name="decide-join-request"),
    path("membership/<slug:slug>/invitations/<int:invitation_id>/revoke/",
         views.revoke_invitation, name="revoke-invitation"),
    path("membership/<slug:slug>/publishing/", views.publishing_settings,
         name="publishing-settings"),
    path("membership/invitations/<str:token>/", views.accept_invitation, name="invitation"),
]

# Sharing groups: organisations an organisation's editors share TLP:AMBER items with.
urlpatterns += [
    path("membership/<slug:slug>/sharing-groups/", sharing_views.sharing_groups,
         name="sharing-groups"),
    path("membership/<slug:slug>/sharing-groups/<int:group_id>/", sharing_views.sharing_group,
         name="sharing-group"),
]
