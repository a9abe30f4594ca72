"""Prometheus metrics: request latency by endpoint, and figures read at scrape time.

Request counts and latencies are kept per process by ``prometheus_client``; under gunicorn set
``PROMETHEUS_MULTIPROC_DIR`` (an empty folder, emptied at each start: ``deploy/gunicorn.conf.py``
does both) and every worker writes its figures there, so one scrape sums all workers.
Figures that live in the database (attempts in progress, live players) are read when scraped,
by sources the roof registers with :func:`register_gauge`: the same answer from every worker.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator

from flask import Flask, Response, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

REQUEST_SECONDS = Histogram(
    "lms_request_duration_seconds",
    "Time from the request's arrival in the app to its response, by endpoint.",
    ["endpoint", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
REQUESTS = Counter(
    "lms_requests",
    "Requests answered, by endpoint, method and status code.",
    ["endpoint", "method", "status"],
)

# name -> (help text, function returning the current value)
_gauges: dict[str, tuple[str, Callable[[], float]]] = {}


def register_gauge(name: str, documentation: str, read: Callable[[], float]) -> None:
    """Report ``read()`` as the gauge ``name`` at every scrape."""
    _gauges[name] = (documentation, read)


def install_metrics(app: Flask) -> None:
    """Time every request of ``app`` by its endpoint."""

    @app.before_request
    def _start() -> None:
        g.metrics_started = time.perf_counter()

    @app.after_request
    def _observe(response: Response) -> Response:
        started = g.get("metrics_started")
        if started is not None:
            endpoint = request.endpoint or "unmatched"
            REQUEST_SECONDS.labels(endpoint, request.method).observe(time.perf_counter() - started)
            REQUESTS.labels(endpoint, request.method, str(response.status_code)).inc()
        return response


def exposition() -> Response:
    """Every metric in Prometheus' text format."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    scraped = CollectorRegistry()
    scraped.register(_ReadAtScrape())
    body = generate_latest(registry) + generate_latest(scraped)
    return Response(body, mimetype=CONTENT_TYPE_LATEST.split(";")[0])


class _ReadAtScrape(Collector):
    def collect(self) -> Iterator[GaugeMetricFamily]:
        for name, (documentation, read) in _gauges.items():
            family = GaugeMetricFamily(name, documentation)
            family.add_metric([], read())
            yield family
