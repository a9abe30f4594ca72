"""gunicorn settings for production: ``gunicorn -c deploy/gunicorn.conf.py wsgi:app``.

Every value can be set from the environment (``LMS_BIND``, ``LMS_WORKERS``, ``LMS_THREADS``).
Prometheus figures of all workers are summed through ``PROMETHEUS_MULTIPROC_DIR``: this file
picks a folder when none is set, empties it at start and forgets each worker that exits.
"""

import os
import shutil
import tempfile

bind = os.environ.get("LMS_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("LMS_WORKERS", "2"))
# One worker per core with two threads each served best on two cores: more threads in a
# process queue for its one interpreter lock (docs/performance.md, live rounds).
threads = int(os.environ.get("LMS_THREADS", "2"))
worker_class = "gthread"
# The app writes its own access log (JSON lines with the request id, LMS_ACCESS_LOG).
accesslog = None
errorlog = "-"
graceful_timeout = 20

os.environ.setdefault(
    "PROMETHEUS_MULTIPROC_DIR",
    os.path.join(tempfile.gettempdir(), f"lms-metrics-{bind.replace(':', '-').replace('/', '-')}"),
)


def on_starting(server):
    folder = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder, exist_ok=True)


def child_exit(server, worker):
    from prometheus_client import multiprocess  # noqa: PLC0415 - after the folder is set

    multiprocess.mark_process_dead(worker.pid)
