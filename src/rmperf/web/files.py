"""Files a form or an API request uploaded, handed to the services as ``Upload`` values (a name and
bytes). Each is read to one byte past the largest the service accepts, so the service refuses what is
larger with its own sentence and nothing bigger is ever held in memory."""

from __future__ import annotations

from typing import Any

from rmperf.errors import UserError
from rmperf.services.uploads import Upload


def uploads_of(files: Any, field: str, most: int) -> list[Upload]:
    """Every file of ``field`` (a request's ``FILES``), as uploads."""
    return [Upload(f.name or field, f.read(most + 1)) for f in files.getlist(field)]


def upload_of(files: Any, field: str, most: int) -> Upload:
    """The one file of ``field``; refused (``upload.missing``) when the form has none."""
    found = uploads_of(files, field, most)
    if not found:
        raise UserError("upload.missing", {})
    return found[0]
