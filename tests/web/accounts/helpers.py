"""Small request helpers shared by the account tests."""

from __future__ import annotations

from typing import Any


def log_in(client: Any, username: str, password: str) -> Any:
    """Post the login form; 302 means logged in, 200 means refused."""
    return client.post("/login", data={"username": username, "password": password})


def log_in_from(client: Any, address: str, username: str, password: str) -> Any:
    """Post the login form from the client address ``address``."""
    return client.post(
        "/login",
        data={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )
