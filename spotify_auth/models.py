from django.db import models

from trackflow.jobs.models import JobBase


class ImportJob(JobBase):
    """Reads one source from a user's Spotify account into the library.

    `source` is `liked`, `all-playlists` or `playlist:<spotify id>`.
    """

    kind = "import"
    task_path = "spotify_auth.tasks.run_import"

    source = models.CharField(max_length=100)

    class Meta(JobBase.Meta):
        pass
