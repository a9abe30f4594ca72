"""Admin pages for users: list, create, edit, (de)activate, reset links, bulk import."""

from __future__ import annotations

import io
from typing import Any

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from lms.accounts import permissions
from lms.accounts.forms import (
    ConfirmForm,
    ImportUsersForm,
    PasswordHandoutForm,
    UserForm,
    as_choices,
    role_choices,
)
from lms.accounts.services import org_units, password_handouts, tokens, users
from lms.accounts.services.user_import import (
    TEMPLATE_COLUMNS,
    import_template_file,
    import_users,
)
from lms.core.errors import NotFoundError, ValidationError
from lms.core.extensions import db
from lms.core.forms import submit
from lms.core.spreadsheets import MIMETYPES

bp = Blueprint("users_admin", __name__, url_prefix="/admin/users")


def _unit_choices() -> list[tuple[int, str]]:
    return [(unit.id, unit.path) for unit in org_units.all_units()]


def _filters() -> users.UserFilter:
    unit_id = request.args.get("unit", type=int)
    role = request.args.get("role", "")
    return users.UserFilter(
        text=request.args.get("q", "")[:100],
        role=role if role in dict(role_choices()) else "",
        unit_id=unit_id,
        active=request.args.get("active", ""),
    )


@bp.route("/")
@permissions.admin
def index() -> Any:
    filters = _filters()
    page = db.paginate(
        users.user_query(filters),
        per_page=current_app.config["USERS_PER_PAGE"],
        error_out=False,
    )
    return render_template(
        "accounts/admin/users.html",
        page=page,
        filters=filters,
        roles=role_choices(),
        units=_unit_choices(),
        action_form=ConfirmForm(),
    )


def _prepare(form: UserForm) -> None:
    form.role.choices = as_choices(role_choices())
    form.unit_id.choices = as_choices(_unit_choices())


@bp.route("/new", methods=["GET", "POST"])
@permissions.admin
def create() -> Any:
    form = UserForm()
    _prepare(form)
    if not form.unit_id.choices:
        flash(_("Create an organisation unit first: every user belongs to one."), "info")
        return redirect(url_for("units_admin.create"))
    if form.validate_on_submit():
        if not form.password.data:
            form.password.errors = [_("Give the new user an initial password.")]
        else:
            outcome = submit(
                form,
                lambda: users.create_user(
                    username=form.username.data or "",
                    password=form.password.data,
                    display_name=form.display_name.data,
                    role=form.role.data or "member",
                    unit=org_units.get_unit(form.unit_id.data),
                    language=form.language.data or None,
                ),
            )
            if outcome.ok:
                user = outcome.value
                flash(_("User %(name)s was created.", name=user.username), "success")
                return redirect(url_for("users_admin.index", q=user.username))
    return render_template("accounts/admin/user_form.html", form=form, user=None)


@bp.route("/<int:user_id>/edit", methods=["GET", "POST"])
@permissions.admin
def edit(user_id: int) -> Any:
    user = users.get_user(user_id)
    form = UserForm(obj=user)
    _prepare(form)
    if request.method == "GET":
        form.language.data = user.language or ""
    if (
        form.validate_on_submit()
        and submit(
            form,
            lambda: users.update_user(
                user,
                display_name=form.display_name.data or "",
                role=form.role.data or "",
                unit=org_units.get_unit(form.unit_id.data),
                language=form.language.data or None,
                acting=current_user,
            ),
        ).ok
    ):
        flash(_("User %(name)s was saved.", name=user.username), "success")
        return redirect(url_for("users_admin.index", q=user.username))
    return render_template(
        "accounts/admin/user_form.html", form=form, user=user, action_form=ConfirmForm()
    )


@bp.route("/<int:user_id>/active", methods=["POST"])
@permissions.admin
def toggle_active(user_id: int) -> Any:
    user = users.get_user(user_id)
    form = ConfirmForm()
    if (
        form.validate_on_submit()
        and submit(form, lambda: users.set_active(user, not user.is_active, acting=current_user)).ok
    ):
        message = (
            _("%(name)s can log in again.", name=user.username)
            if user.is_active
            else _("%(name)s was deactivated and logged out everywhere.", name=user.username)
        )
        flash(message, "success")
    return redirect(url_for("users_admin.edit", user_id=user.id))


@bp.route("/<int:user_id>/reset-link", methods=["POST"])
@permissions.admin
def reset_link(user_id: int) -> Any:
    user = users.get_user(user_id)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("users_admin.edit", user_id=user.id))
    if not user.is_active:
        flash(_("Activate the account before issuing a reset link."), "error")
        return redirect(url_for("users_admin.edit", user_id=user.id))
    issued = tokens.issue_reset_link(user, created_by=current_user)
    db.session.commit()
    link = url_for("accounts.reset_password", secret=issued.secret, _external=True)
    return render_template(
        "accounts/admin/reset_link.html", user=user, link=link, expires_at=issued.expires_at
    )


@bp.route("/import", methods=["GET", "POST"])
@permissions.admin
def import_file() -> Any:
    form = ImportUsersForm()
    problems: list[str] = []
    created: list[Any] = []
    handout: PasswordHandoutForm | None = None
    if form.validate_on_submit():
        upload = form.file.data
        try:
            result = import_users(upload.filename or "", upload.read())
        except ValidationError as error:
            db.session.rollback()
            problems = error.problems or [error.message]
            flash(_("Nothing was imported. Correct the rows below and try again."), "error")
        else:
            key = password_handouts.create_handout(result.created, by=current_user)
            db.session.commit()
            created = result.created
            handout = PasswordHandoutForm(formdata=None, key=key) if key else None
            flash(_("%(n)d users were imported.", n=len(created)), "success")
    return render_template(
        "accounts/admin/import.html",
        form=form,
        problems=problems,
        created=created,
        handout=handout,
        columns=TEMPLATE_COLUMNS,
    )


@bp.route("/import/passwords", methods=["POST"])
@permissions.admin
def import_passwords() -> Any:
    """The generated passwords of an import as a file, once (then they are gone)."""
    form = PasswordHandoutForm()
    fmt = "csv" if form.csv.data else "xlsx"
    try:
        if not form.validate_on_submit():
            raise NotFoundError(_("Nothing to download."))
        rows = password_handouts.take_handout(form.key.data or "", by=current_user)
    except NotFoundError as error:
        db.session.commit()  # expired handouts were purged on the way
        flash(error.message, "error")
        return redirect(url_for("users_admin.import_file"))
    db.session.commit()
    response = send_file(
        io.BytesIO(password_handouts.handout_file(rows, fmt)),
        mimetype=MIMETYPES[fmt],
        as_attachment=True,
        download_name=f"initial-passwords.{fmt}",
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/import/template.<any(csv, xlsx):fmt>")
@permissions.admin
def import_template(fmt: str) -> Any:
    data, mimetype = import_template_file(fmt)
    return send_file(
        io.BytesIO(data),
        mimetype=mimetype,
        as_attachment=True,
        download_name=f"users-template.{fmt}",
    )
