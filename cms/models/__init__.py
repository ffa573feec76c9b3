from cms.models.changes import ChangeNote, Follow, FollowPreference, UpdatesBy  # noqa: F401
from cms.models.items import (  # noqa: F401
    CaseStudyPage,
    GuidancePage,
    ItemAttachment,
    ItemPage,
    ScenarioPage,
    StandardPage,
    StandardStatus,
)
from cms.models.pages import (  # noqa: F401
    HomePage,
    LibraryPage,
    OrganisationIndexPage,
    OrganisationPage,
    TopicIndexPage,
)
from cms.models.snippets import Audience, Topic  # noqa: F401
from cms.models.workflows import FourEyesApprovalTask  # noqa: F401
