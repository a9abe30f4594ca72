"""The OpenAPI 3 document, built from the routes that exist under ``/api/v1``."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask

from lms.core.api import OPENAPI_ATTRIBUTE

API_PREFIX = "/api/v1"
_CONVERTER = re.compile(r"<(?:(?P<conv>[^:<>]+):)?(?P<name>[^<>]+)>")

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "request_id": {"type": "string"},
            },
        }
    },
}


ID_PARAMETER = {"type": "integer", "minimum": 0, "maximum": 2**31 - 1}
_STATUS_TEXT = {200: "OK", 201: "Created", 204: "No content"}
DESCRIPTION = (
    "Authenticate with a bearer token from POST /api/v1/auth/token, or the browser session with "
    'its CSRF token. Every error is {"error": {"code", "message"}} with a 4xx status. Times are '
    "ISO 8601 with an offset; lists answer {items, total} and page with ?page=&per_page=."
)


def _path_and_params(rule: str) -> tuple[str, list[dict[str, Any]]]:
    params = []
    for match in _CONVERTER.finditer(rule):
        schema = ID_PARAMETER if match.group("conv") == "int" else {"type": "string"}
        params.append(
            {"name": match.group("name"), "in": "path", "required": True, "schema": schema}
        )
    return _CONVERTER.sub(lambda m: "{" + m.group("name") + "}", rule), params


def _query_params(query: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {"name": name, "in": "query", "required": False, "schema": schema}
        for name, schema in query.items()
    ]


def _responses(doc: dict[str, Any]) -> dict[str, Any]:
    body = {"application/json": {"schema": doc.get("response") or {"type": "object"}}}
    responses: dict[str, Any] = {
        str(status): {"description": _STATUS_TEXT.get(status, "OK"), "content": body}
        for status in doc.get("status") or (200,)
    }
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    responses["4XX"] = {
        "description": "Refused: bad input, not logged in, not allowed, not found, conflict",
        "content": error,
    }
    for status, when in sorted((doc.get("errors") or {}).items()):
        responses[str(status)] = {"description": when, "content": error}
    return responses


def _operation(
    endpoint: str, doc: dict[str, Any], method: str, params: list[dict[str, Any]]
) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": f"{endpoint}.{method.lower()}",
        "summary": doc["summary"],
        "tags": doc.get("tags") or [endpoint.split(".", maxsplit=1)[0]],
        "parameters": params + _query_params(doc.get("query") or {}),
        "responses": _responses(doc),
    }
    if doc.get("request") and method in {"POST", "PUT", "PATCH"}:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": doc["request"]}},
        }
    if not doc.get("auth", True):
        operation["security"] = []
    return operation


def build_openapi(app: Flask, *, title: str, version: str) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.rule.startswith(API_PREFIX):
            continue
        view = app.view_functions[rule.endpoint]
        doc = getattr(view, OPENAPI_ATTRIBUTE, None) or {"summary": rule.endpoint, "auth": True}
        path, params = _path_and_params(rule.rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = _operation(
                rule.endpoint, doc, method, params
            )
    return {
        "openapi": "3.0.3",
        "info": {"title": title, "version": version, "description": DESCRIPTION},
        "servers": [{"url": "/"}],
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "session": {"type": "apiKey", "in": "cookie", "name": "session"},
            },
            "schemas": {"Error": ERROR_SCHEMA},
        },
        "security": [{"bearer": []}, {"session": []}],
        "paths": paths,
    }
