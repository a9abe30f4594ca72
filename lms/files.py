"""Serving stored files by unguessable token, after an access check, with range requests.

A course's files go only to those who may see the course (courses.services.files), and no
more once the course stops using them; the images of questions to every logged-in user (a
question is shown in quizzes, competitions and live sessions); any other file only to whoever
uploaded it (a video waiting for its lesson form). Everyone else gets a 404, as for a file
that does not exist. With signed URLs configured (S3), the browser is sent to the bucket.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, redirect, request, send_file
from flask_login import current_user
from werkzeug.exceptions import RequestedRangeNotSatisfiable

from courses.services.files import may_read_course_file
from lms.accounts import permissions
from lms.core.storage import get_storage
from lms.core.uploads import Upload, upload_by_token

bp = Blueprint("files", __name__)
MAX_AGE = 3600


def may_read(user: Any, upload: Upload) -> bool:
    by_course = may_read_course_file(user, upload.id)
    if by_course is not None:
        return by_course
    if upload.scope == "question":
        return True
    return upload.created_by_id is not None and upload.created_by_id == user.id


@bp.route("/files/<token>/<path:filename>")
@permissions.authenticated
def serve(token: str, filename: str) -> Any:
    upload = upload_by_token(token)
    if upload is None or not may_read(current_user, upload):
        abort(404)
    kind = upload.file_type
    signed = get_storage().signed_url(
        upload.key,
        download_name=upload.filename,
        content_type=kind.content_type,
        inline=kind.inline,
    )
    if signed is not None:
        response = redirect(signed, 302)
        response.headers["Cache-Control"] = "private, no-store"
        return response
    try:
        file = upload.open()
    except FileNotFoundError:
        abort(404)
    response = send_file(
        file,
        mimetype=kind.content_type,
        as_attachment=not kind.inline,
        download_name=upload.filename,
        etag=upload.sha256,
        last_modified=upload.created_at,
        conditional=False,
        max_age=MAX_AGE,
    )
    response.content_length = upload.size
    # Answers Range requests (206 with Content-Range): phones seek in videos.
    try:
        response.make_conditional(request.environ, accept_ranges=True, complete_length=upload.size)
    except RequestedRangeNotSatisfiable:
        file.close()
        raise
    response.headers["Cache-Control"] = f"private, max-age={MAX_AGE}"
    return response
