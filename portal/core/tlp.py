"""Traffic Light Protocol 2.0 labels, as FIRST defines them."""

from django.db import models


class TLP(models.TextChoices):
    CLEAR = "clear", "TLP:CLEAR"
    GREEN = "green", "TLP:GREEN"
    AMBER = "amber", "TLP:AMBER"
    AMBER_STRICT = "amber_strict", "TLP:AMBER+STRICT"
    RED = "red", "TLP:RED"

    @property
    def meaning(self) -> str:
        return MEANINGS[self]

    @property
    def audience(self) -> str:
        return AUDIENCES[self]

    @property
    def rank(self) -> int:
        """Higher is more restricted; a digest's subject carries its highest label."""
        return list(TLP).index(self)


# FIRST's one-line summaries of each label (TLP 2.0).
MEANINGS = {
    TLP.CLEAR: "Recipients can spread this to the world, there is no limit on disclosure.",
    TLP.GREEN: "Limited disclosure, recipients can spread this within their community.",
    TLP.AMBER: (
        "Limited disclosure, recipients can only spread this on a need-to-know basis "
        "within their organization and its clients."
    ),
    TLP.AMBER_STRICT: "Limited disclosure, restricted to the organization only.",
    TLP.RED: "For the eyes and ears of individual recipients only, no further disclosure.",
}

# Who may see it in this portal.
AUDIENCES = {
    TLP.CLEAR: "Everyone, including visitors who are not signed in.",
    TLP.GREEN: "Verified members of approved organisations in the portal community.",
    TLP.AMBER: ("Members of the source organisation and of the organisations it names, directly "
                "or through sharing groups."),
    TLP.AMBER_STRICT: "Members of the source organisation only.",
    TLP.RED: "Only the individuals named as recipients.",
}
