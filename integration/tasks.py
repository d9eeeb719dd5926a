from celery import shared_task


@shared_task(name="integration.tasks.import_process", ignore_result=True)
def import_process(run_id: int, commit: bool) -> None:
    from integration.imports import import_run
    from integration.models import ImportRun

    import_run(ImportRun.objects.get(pk=run_id), commit=commit)
