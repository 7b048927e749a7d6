import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pastoral.settings")

app = Celery("pastoral")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Every periodic task is declared here, in one place.
app.conf.beat_schedule = {
    # Nightly at 00:15 (https://crontab.guru/#15_0_*_*_*): cut access of staff whose last role has ended.
    "end-lapsed-memberships": {
        "task": "pastoral.tasks.deactivate_leavers_task",
        "schedule": crontab(minute=15, hour=0),
    },
    # Weekdays at 07:00 (https://crontab.guru/#0_7_*_*_1-5): the "reviews due" digest for pastoral leads.
    "reviews-due-digest": {
        "task": "pastoral.tasks.reviews_due_digest_task",
        "schedule": crontab(minute=0, hour=7, day_of_week="1-5"),
    },
    # Weekdays at 07:30 (https://crontab.guru/#30_7_*_*_1-5): overdue referrals, CP files and actions, to DSLs.
    "safeguarding-overdue-alerts": {
        "task": "safeguarding.tasks.overdue_alerts_task",
        "schedule": crontab(minute=30, hour=7, day_of_week="1-5"),
    },
}
