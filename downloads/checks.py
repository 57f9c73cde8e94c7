"""Start-up checks of the download settings, so a typo shows at `check`, not at the first job."""

from django.conf import settings
from django.core.checks import Error, register

from downloads.backends.http import HttpBackend
from downloads.files import render_path
from downloads.meta import TrackMeta

SAMPLE = TrackMeta(title="Title", artists=["Artist"], album="Album", track_number=1)


@register()
def download_settings(app_configs, **kwargs) -> list[Error]:
    errors = []
    try:
        render_path(settings.DOWNLOAD_PATH_TEMPLATE, SAMPLE, "mp3")
    except ValueError as error:
        errors.append(Error(f"DOWNLOAD_PATH_TEMPLATE: {error}", id="downloads.E001"))
    try:
        HttpBackend(url_template=settings.DOWNLOAD_URL_TEMPLATE)
    except ValueError as error:
        errors.append(Error(f"DOWNLOAD_URL_TEMPLATE: {error}", id="downloads.E002"))
    return errors
