"""The rq cron scheduler's jobs, when LMS_REDIS_URL is set (instead of a crontab line):

    rq cron deploy/rq_cron.py --path . --url "$LMS_REDIS_URL"   (from the checkout)

enqueues ``lms send-reminders`` every five minutes on the notifications queue, where
``flask --app wsgi lms notifications-worker`` runs it inside the app. Run one scheduler.
"""

import os

from rq import cron

from lms.reminders.cli import reminders_job

QUEUE = os.environ.get("LMS_NOTIFICATIONS_QUEUE", "notifications")  # the worker's queue
cron.register(reminders_job, QUEUE, interval=300, job_timeout=600)
