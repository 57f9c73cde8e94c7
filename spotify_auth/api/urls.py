from django.urls import path

from .views import AccountView, ImportView, PlaylistsView

urlpatterns = [
    path("spotify/account/", AccountView.as_view(), name="spotify-account"),
    path("spotify/playlists/", PlaylistsView.as_view(), name="spotify-playlists"),
    path("spotify/import/", ImportView.as_view(), name="spotify-import"),
]
