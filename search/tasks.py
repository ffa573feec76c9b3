from celery import shared_task

from search import indexing


@shared_task(name="search.index_item", autoretry_for=(Exception,), retry_backoff=True,
             retry_backoff_max=600, max_retries=8)
def index_item(page_id: int) -> str:
    """Make the search index agree with one item. Retries while an engine is unreachable;
    the periodic drift check catches anything still missed."""
    return indexing.sync_item(page_id)


@shared_task(name="search.repair_drift")
def repair_search_drift() -> dict:
    report = indexing.repair_drift()
    return {key: len(ids) for key, ids in report.items()}
