"""The notification kinds of standards practice. Titles name organisations and standards the
recipient already deals with, never answers, evidence or comment text."""

MENTORING = "standards.mentoring"
CONSULTATION = "standards.consultation"
ASSESSMENT_SHARED = "standards.assessment_shared"

KINDS = [
    (MENTORING, "Mentoring requests and their answers"),
    (CONSULTATION, "Answers to your consultation comments"),
    (ASSESSMENT_SHARED, "Self-assessments shared with your organisation"),
]
