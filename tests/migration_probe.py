"""What tests/test_migrations.py reads from its scratch database. These functions run inside
the portal, in a subprocess (``manage.py shell -c``), and each prints one line: ``STATE``
followed by what it read, as JSON."""

import json

# The older release: search before its facet keys, relevance and renames (0003-0007), the
# organisations before organisation_type (0006), and cms as early as search still allows (its
# 0001 needs cms 0002), so before four-eyes tasks, sharing groups and change notes.
OLD_RELEASE = [("search", "0002_fulltext"), ("organisations", "0005_sharing_groups"),
               ("cms", "0002_initial")]

# A TLP:CLEAR demo item, found by anonymous readers through filters on both renamed columns.
TITLE = "Minimum standard for coordinated vulnerability disclosure by suppliers"
QUERY = {"q": "coordinated vulnerability disclosure", "type": "standards",
         "org_type": "trade_body"}


def show(state):
    print("STATE " + json.dumps(state))


def latest():
    """The data through the portal's models, search page and API, at the latest schema."""
    from django.core.cache import cache
    from django.test import Client
    from wagtail.models import WorkflowPage

    from cms.models import ItemPage
    from portal.core.organisations.models import Organisation
    from search.models import SearchEntry

    cache.clear()  # the file cache outlives a process: no page cached before the migration
    api = Client().get("/api/search/", QUERY)
    page = Client().get("/search/", QUERY)
    workflows = {}
    for link in WorkflowPage.objects.filter(page__organisationpage__isnull=False):
        steps = []
        for step in link.workflow.workflow_tasks.order_by("sort_order"):
            try:
                task = step.task.specific
            except Exception as error:  # noqa: BLE001 - a step whose task lost its row
                steps.append([type(error).__name__, []])
                continue
            steps.append([type(task).__name__,
                          sorted(task.groups.values_list("pk", flat=True))])
        workflows[link.page_id] = steps
    hits = api.json()["hits"] if api.status_code == 200 else []
    show({
        "organisations": dict(Organisation.objects.values_list("slug", "organisation_type")),
        "items": ItemPage.objects.count(),
        "entries": {entry.pk: [entry.item_type, entry.organisation_type, entry.topic_ids,
                               entry.audience_ids] for entry in SearchEntry.objects.all()},
        "api": [api.status_code,
                [[hit["title"], hit["type"], hit["organisation_type"]] for hit in hits]],
        "page": [page.status_code, TITLE in page.content.decode()],
        "workflows": workflows,
    })


def roll_back():
    """Migrate back to the older release, then read the data in its own columns with plain
    SQL (the portal's models describe the latest schema only)."""
    from django.core.management import call_command
    from django.db import connection

    for app, name in OLD_RELEASE:
        call_command("migrate", app, name, interactive=False, verbosity=0)
    with connection.cursor() as cursor:

        def rows(sql, params=()):
            cursor.execute(sql, params)
            return cursor.fetchall()

        applied = {}
        for app, name in rows("SELECT app, name FROM django_migrations"):
            applied[app] = max(applied.get(app, ""), name)
        workflows = {}
        for page_id, app_label, model, row in rows(
                "SELECT wp.page_id, ct.app_label, ct.model, g.task_ptr_id"
                " FROM wagtailcore_workflowpage wp"
                " JOIN cms_organisationpage op ON op.page_ptr_id = wp.page_id"
                " JOIN wagtailcore_workflowtask wt ON wt.workflow_id = wp.workflow_id"
                " JOIN wagtailcore_task t ON t.id = wt.task_id"
                " JOIN django_content_type ct ON ct.id = t.content_type_id"
                " LEFT JOIN wagtailcore_groupapprovaltask g ON g.task_ptr_id = t.id"
                " ORDER BY wp.page_id, wt.sort_order"):
            groups = sorted(group for (group,) in rows(
                "SELECT group_id FROM wagtailcore_groupapprovaltask_groups"
                " WHERE groupapprovaltask_id = %s", [row])) if row else []
            workflows.setdefault(page_id, []).append(
                [f"{app_label}.{model}", row is not None, groups])
        show({
            "applied": applied,
            "organisations": dict(rows("SELECT slug, kind FROM organisations_organisation")),
            "items": rows("SELECT COUNT(*) FROM cms_itempage")[0][0],
            "entries": {pk: [kind, organisation_kind] for pk, kind, organisation_kind in rows(
                "SELECT id, kind, organisation_kind FROM search_searchentry")},
            "workflows": workflows,
        })
