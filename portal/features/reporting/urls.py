from django.urls import path

from portal.features.reporting import views

app_name = "reporting"

urlpatterns = [
    path("reporting/", views.channels, name="channels"),
    path("reporting/follow-up/", views.follow_up, name="follow-up"),
    path("reporting/inbox/", views.inbox, name="inbox"),
    path("reporting/inbox/passphrase/", views.set_passphrase, name="passphrase"),
    path("reporting/inbox/<int:channel_id>/unlock/", views.unlock, name="unlock"),
    path("reporting/inbox/<int:channel_id>/lock/", views.lock, name="lock"),
    path("reporting/inbox/<int:channel_id>/grant/", views.grant, name="grant"),
    path("reporting/cases/<int:pk>/", views.case, name="case"),
    path("reporting/cases/<int:pk>/files/<int:attachment_id>/", views.attachment,
         name="attachment"),
    path("reporting/cases/<int:pk>/export/", views.export, name="export"),
    path("reporting/bodies/", views.reporting_bodies, name="bodies"),
    path("reporting/manage/<slug:org_slug>/", views.manage, name="manage"),
    path("reporting/manage/<slug:org_slug>/<int:channel_id>/settings/", views.channel_settings,
         name="channel-settings"),
    path("reporting/manage/<slug:org_slug>/<int:channel_id>/recovery-grant/",
         views.recovery_grant, name="recovery-grant"),
    path("reporting/<slug:org_slug>/<str:kind>/", views.channel, name="channel"),
    path("reporting/<slug:org_slug>/<str:kind>/report/", views.report, name="report"),
    path("reporting/<slug:org_slug>/<str:kind>/statistics/", views.statistics,
         name="statistics"),
]
