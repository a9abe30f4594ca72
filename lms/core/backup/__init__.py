"""Backup and restore of a whole site: the database and every stored file in one archive.

    write_backup("site.tar", progress=print)       # lms backup -o site.tar
    restore_backup("site.tar", progress=print)     # lms restore site.tar (an empty site)

The database is written as portable JSON rows (no ``pg_dump``), so an archive made on SQLite
restores onto PostgreSQL and back. It needs every model's table in ``db.metadata``: call it in
an app that imported every model (``create_app`` does).
"""

from lms.core.backup.archive import BackupError
from lms.core.backup.dump import write_backup
from lms.core.backup.restore import restore_backup

__all__ = ["BackupError", "restore_backup", "write_backup"]
