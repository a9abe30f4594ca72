"""Serving uploaded files: by unguessable token, to logged-in users, with range requests."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, send_file

from lms.accounts import permissions
from lms.core.uploads import upload_by_token

bp = Blueprint("files", __name__)


@bp.route("/files/<token>/<path:filename>")
@permissions.authenticated
def serve(token: str, filename: str) -> Any:
    upload = upload_by_token(token)
    if upload is None or not upload.path.is_file():
        abort(404)
    kind = upload.file_type
    response = send_file(
        upload.path,
        mimetype=kind.content_type,
        as_attachment=not kind.inline,
        download_name=upload.filename,
        conditional=True,  # answers Range requests: phones seek in videos
        max_age=3600,
    )
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response
