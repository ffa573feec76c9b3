from django.urls import path

from portal.features.standards.views import assessments, consultation, mentoring, standards

app_name = "standards"

A = "standards/<int:standard_id>/assessments/<slug:org_slug>/"

urlpatterns = [
    path("standards/mine/", mentoring.overview, name="overview"),
    path("standards/<int:standard_id>/sign/", standards.sign, name="sign"),
    path("standards/<int:standard_id>/signatories/<slug:org_slug>/withdraw/", standards.withdraw,
         name="withdraw"),
    path("standards/<int:standard_id>/signatories/<int:signatory_id>/remove/", standards.remove,
         name="remove-signatory"),
    path("standards/<int:standard_id>/changes/", standards.changes, name="changes"),
    path("standards/<int:standard_id>/uptake/", standards.uptake_page, name="uptake"),
    path(A, assessments.assessment, name="assessment"),
    path(A + "history/", assessments.history, name="history"),
    path(A + "gaps/", assessments.gaps, name="gaps"),
    path(A + "export.csv", assessments.export_csv, name="export"),
    path(A + "sharing/", assessments.sharing, name="sharing"),
    path(A + "sharing/<int:share_id>/withdraw/", assessments.withdraw_share,
         name="withdraw-share"),
    path(A + "mentors/", mentoring.find_mentor, name="find-mentor"),
    path("standards/<int:standard_id>/consultation/", consultation.consultation,
         name="consultation"),
    path("standards/<int:standard_id>/consultation/summary/", consultation.summary,
         name="consultation-summary"),
    path("standards/<int:standard_id>/consultation/close/", consultation.close,
         name="consultation-close"),
    path("standards/comments/<int:comment_id>/answer/", consultation.answer,
         name="comment-answer"),
    path("standards/comments/<int:comment_id>/hide/", consultation.hide, name="comment-hide"),
    path("mentoring/offer/<slug:org_slug>/", mentoring.offer, name="offer"),
    path("mentoring/<int:pair_id>/", mentoring.detail, name="mentoring-detail"),
    path("mentoring/pairs/", mentoring.pairs_for_moderators, name="pairs"),
    path("standards/assessors/<slug:org_slug>/", mentoring.assessors, name="assessors"),
]
