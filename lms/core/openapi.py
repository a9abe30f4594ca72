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
            "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
        }
    },
}


def _path_and_params(rule: str) -> tuple[str, list[dict[str, Any]]]:
    params = []
    for match in _CONVERTER.finditer(rule):
        kind = "integer" if match.group("conv") == "int" else "string"
        params.append(
            {"name": match.group("name"), "in": "path", "required": True, "schema": {"type": kind}}
        )
    return _CONVERTER.sub(lambda m: "{" + m.group("name") + "}", rule), params


def build_openapi(app: Flask, *, title: str, version: str) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.rule.startswith(API_PREFIX):
            continue
        view = app.view_functions[rule.endpoint]
        doc = getattr(view, OPENAPI_ATTRIBUTE, None) or {"summary": rule.endpoint, "auth": True}
        path, params = _path_and_params(rule.rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            operation: dict[str, Any] = {
                "operationId": f"{rule.endpoint}.{method.lower()}",
                "summary": doc["summary"],
                "tags": doc.get("tags") or [rule.endpoint.split(".")[0]],
                "parameters": params,
                "responses": {
                    "200": {
                        "description": "OK",
                        "content": {
                            "application/json": {
                                "schema": doc.get("response") or {"type": "object"}
                            }
                        },
                    },
                    "4XX": {
                        "description": "Error",
                        "content": {"application/json": {"schema": ERROR_SCHEMA}},
                    },
                },
            }
            if doc.get("request") and method in {"POST", "PUT", "PATCH"}:
                operation["requestBody"] = {
                    "required": True,
                    "content": {"application/json": {"schema": doc["request"]}},
                }
            if not doc.get("auth", True):
                operation["security"] = []
            paths.setdefault(path, {})[method.lower()] = operation
    return {
        "openapi": "3.0.3",
        "info": {"title": title, "version": version},
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
