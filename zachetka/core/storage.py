"""Where files wait between two requests that may reach different app servers.

Stored files (evidence, scans, card PDFs, job files) go to the default storage: MEDIA_ROOT, a path
every app server mounts, or an S3-compatible bucket (ZACHETKA_STORAGE=s3). Uploaded import files
waiting for confirmation go to the `imports` storage: ZACHETKA_IMPORT_STAGING_DIR, likewise
shared, or a prefix of the bucket. Either way the preview on one server and the confirmation on
another see the same file.
"""

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.utils.functional import cached_property

IMPORTS = "imports"


class ImportStagingStorage(FileSystemStorage):
    """Files under IMPORT_STAGING_DIR, readable by the application's own user only: a staged
    file is a list of people."""

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("file_permissions_mode", 0o600)
        kwargs.setdefault("directory_permissions_mode", 0o700)
        super().__init__(**kwargs)

    @cached_property
    def base_location(self) -> str:
        return self._value_or_setting(self._location, str(settings.IMPORT_STAGING_DIR))

    def _clear_cached_properties(self, setting: str, **kwargs: object) -> None:
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "IMPORT_STAGING_DIR":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)


def import_staging() -> Storage:
    return storages[IMPORTS]
