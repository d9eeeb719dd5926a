from celery import shared_task

from requests_tracking import services


@shared_task(name="requests_tracking.tasks.sla_sweep", ignore_result=True)
def sla_sweep() -> int:
    return services.requests_sla_sweep()


@shared_task(name="requests_tracking.tasks.auto_close_resolved", ignore_result=True)
def auto_close_resolved() -> int:
    return services.requests_auto_close()


@shared_task(name="requests_tracking.tasks.refresh_estimates", ignore_result=True)
def refresh_estimates() -> int:
    return services.requests_estimates_refresh()


@shared_task(name="requests_tracking.tasks.expire_follower_signups", ignore_result=True)
def expire_follower_signups() -> int:
    return services.followers_expire()
