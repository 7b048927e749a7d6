import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pastoral.settings")

app = Celery("pastoral")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Every periodic task is declared here, in one place.
app.conf.beat_schedule = {
    # Every minute (https://crontab.guru/#*_*_*_*_*): publish again follow-up tasks the broker never got.
    "outbox-sweep": {
        "task": "pastoral.tasks.sweep_outbox",
        "schedule": crontab(),
    },
    # Nightly at 00:15 (https://crontab.guru/#15_0_*_*_*): cut access of staff whose last role has ended.
    "end-lapsed-memberships": {
        "task": "pastoral.tasks.deactivate_leavers_task",
        "schedule": crontab(minute=15, hour=0),
    },
    # Weekdays at 10:30 (https://crontab.guru/#30_10_*_*_1-5), after the morning registers close: the statutory
    # attendance alerts, and today's unexplained absences of pupils with a social worker.
    "attendance-alerts": {
        "task": "pastoral.tasks.attendance_alerts_all_task",
        "schedule": crontab(minute=30, hour=10, day_of_week="1-5"),
    },
    # Weekdays at 07:00 (https://crontab.guru/#0_7_*_*_1-5): the "reviews due" digest for pastoral leads.
    "reviews-due-digest": {
        "task": "pastoral.tasks.reviews_due_digest_task",
        "schedule": crontab(minute=0, hour=7, day_of_week="1-5"),
    },
    # Weekdays at 16:30 (https://crontab.guru/#30_16_*_*_1-5): today's removals from class with parents not told.
    "removals-untold": {
        "task": "behaviour.tasks.removals_untold_task",
        "schedule": crontab(minute=30, hour=16, day_of_week="1-5"),
    },
    # Weekdays every 15 minutes from 12:00 to 18:45 (https://crontab.guru/#*/15_12-18_*_*_1-5): detention
    # sessions that have ended with pupils unmarked are flagged to whoever ran them.
    "detentions-unmarked": {
        "task": "behaviour.tasks.flag_unmarked_detentions_task",
        "schedule": crontab(minute="*/15", hour="12-18", day_of_week="1-5"),
    },
    # Mondays at 07:30 (https://crontab.guru/#30_7_*_*_1): staff training expiring in the next 60 days.
    "training-expiry-digest": {
        "task": "behaviour.tasks.training_expiry_digest_task",
        "schedule": crontab(minute=30, hour=7, day_of_week="1"),
    },
    # Nightly at 01:45 (https://crontab.guru/#45_1_*_*_*): list the records past their retention date (skipping
    # those under a legal hold) for the data-protection lead's review.
    "retention-list-due": {
        "task": "pastoral.tasks.list_due_for_disposal_task",
        "schedule": crontab(minute=45, hour=1),
    },
    # Daily at 02:30 (https://crontab.guru/#30_2_*_*_*): remove exports and reports past their expiry.
    "delete-expired-files": {
        "task": "pastoral.tasks.delete_expired_files",
        "schedule": crontab(minute=30, hour=2),
    },
    # Every 15 minutes (https://crontab.guru/#*/15_*_*_*_*): send scheduled reports that are due.
    "run-scheduled-reports": {
        "task": "pastoral.tasks.run_scheduled_reports",
        "schedule": crontab(minute="*/15"),
    },
    # Daily at 06:40 (https://crontab.guru/#40_6_*_*_*): every headteacher has a termly report schedule.
    "termly-report-schedules": {
        "task": "pastoral.tasks.ensure_termly_schedules_task",
        "schedule": crontab(minute=40, hour=6),
    },
    # Every 5 minutes, offset (https://crontab.guru/#2-59/5_*_*_*_*): fail exports whose task was lost.
    "fail-stuck-files": {
        "task": "pastoral.tasks.fail_stuck_files",
        "schedule": crontab(minute="2-59/5"),
    },
    # Mondays at 07:15 (https://crontab.guru/#15_7_*_*_1): the weekly trend email for pastoral leads.
    "weekly-trend-email": {
        "task": "pastoral.tasks.weekly_trend_task",
        "schedule": crontab(minute=15, hour=7, day_of_week="1"),
    },
    # Every 5 minutes, offset (https://crontab.guru/#1-59/5_*_*_*_*): urgent concerns left unopened past the
    # school's time are escalated to the deputy DSLs and the head (the clock itself counts school hours only).
    "safeguarding-escalation": {
        "task": "safeguarding.tasks.escalate_unopened_urgent_task",
        "schedule": crontab(minute="1-59/5"),
    },
    # Weekdays at 07:30 (https://crontab.guru/#30_7_*_*_1-5): overdue referrals, CP files and actions, to DSLs.
    "safeguarding-overdue-alerts": {
        "task": "safeguarding.tasks.overdue_alerts_task",
        "schedule": crontab(minute=30, hour=7, day_of_week="1-5"),
    },
    # Weekdays every 15 minutes from 09:00 to 16:45 (https://crontab.guru/#*/15_9-16_*_*_1-5): alternative
    # provision returns missing after each school's cut-off, raised once a day per placement.
    "ap-missing-returns": {
        "task": "provision.tasks.ap_missing_returns_task",
        "schedule": crontab(minute="*/15", hour="9-16", day_of_week="1-5"),
    },
}
