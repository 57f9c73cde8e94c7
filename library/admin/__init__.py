"""The library in the admin: a curation tool that stays fast at 100,000 tracks.

Changelists join what they show (list_select_related, ordered prefetches), never count the
whole table twice (show_full_result_count off), and search through library.services.search.
Actions call the same services as the API.
"""

from library.admin import catalog, playlists, tracks  # noqa: F401  (registrations)
