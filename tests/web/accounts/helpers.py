"""Small request helpers shared by the account tests."""

from __future__ import annotations

from typing import Any

from tests.formfill import submit_form


def log_in(client: Any, username: str, password: str, **get: Any) -> Any:
    """Fill the login form; 302 means logged in, 200 means refused."""
    return submit_form(client, "/login", {"username": username, "password": password}, **get)


def log_in_from(client: Any, address: str, username: str, password: str) -> Any:
    """Fill the login form from the client address ``address``."""
    before = client.environ_base.get("REMOTE_ADDR")
    client.environ_base["REMOTE_ADDR"] = address
    try:
        return log_in(client, username, password)
    finally:
        client.environ_base["REMOTE_ADDR"] = before


def log_out(client: Any, page: str = "/profile") -> Any:
    """Press "Log out" in the menu of ``page``."""
    return submit_form(client, page, form="/logout")
