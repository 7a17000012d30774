import pytest


@pytest.fixture(autouse=True)
def _attachments_in_tmp(settings, tmp_path):
    """Uploaded templates and samples go to a per-test folder, not the developer's var/."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "attachments"), "base_url": None},
        },
    }
