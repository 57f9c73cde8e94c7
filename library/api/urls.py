from django.urls import path

from library.api.catalog import AlbumViewSet, ArtistViewSet
from library.api.playlists import PlaylistViewSet
from library.api.tracks import TrackViewSet
from library.api.uploads import UploadView
from trackflow.api.router import router

router.register("tracks", TrackViewSet, basename="track")
router.register("artists", ArtistViewSet, basename="artist")
router.register("albums", AlbumViewSet, basename="album")
router.register("playlists", PlaylistViewSet, basename="playlist")

# Before the router's routes (trackflow/api/urls.py includes apps first), so that "upload" is
# not taken for a track id.
urlpatterns = [path("tracks/upload/", UploadView.as_view(), name="track-upload")]
