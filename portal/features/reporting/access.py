"""Who may see reports and manage channels: the rules in ``portal.core.access``, bound here."""

from django.db import models

from portal.core.access import AccessPolicy, channel_admin_rule, report_rule

report_policy = AccessPolicy("reporting.Report", rule=report_rule,
                             fields={"readers": models.ManyToManyField})
channel_admin_policy = AccessPolicy("reporting.Channel", rule=channel_admin_rule,
                                    fields={"organisation": models.ForeignKey})
