"""Library paths from untrusted metadata, atomic placement, and crash clean-up."""

import os
import time
import unicodedata
from pathlib import Path, PurePosixPath

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from downloads.files import (
    DEFAULT_PATH_TEMPLATE,
    MAX_COMPONENT_BYTES,
    atomic_destination,
    atomic_write,
    clean_partials,
    library_file,
    place_file,
    render_path,
)
from downloads.meta import TrackMeta
from downloads.services.placement import same_slot

# held independently of the implementation: what Windows refuses in a name
WINDOWS_FORBIDDEN = set('<>:"/\\|?*') | {chr(code) for code in range(32)}
WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL"} | {
    f"{p}{n}" for p in ("COM", "LPT") for n in "123456789"
}


def meta(**fields) -> TrackMeta:
    defaults = {"title": "Get Lucky", "artists": ["Daft Punk"], "album": "Random Access Memories"}
    return TrackMeta(**{**defaults, **fields})


def test_default_template_gives_artist_album_and_numbered_title():
    path = render_path(DEFAULT_PATH_TEMPLATE, meta(track_number=8), "flac")

    assert path == PurePosixPath("Daft Punk/Random Access Memories/08 - Get Lucky.flac")


def test_template_placeholders_and_format_specs():
    track = meta(disc_number=2, track_number=3, date="2013-05-17", album_artists=["Various"])
    template = "{album_artist}/{year} {album}/{disc_number}-{track_number:03d} {artists}"

    path = render_path(template, track, "mp3")

    assert path == PurePosixPath("Various/2013 Random Access Memories/2-003 Daft Punk.mp3")


def test_a_mapping_works_as_metadata_too():
    path = render_path(
        "{artist}/{title}.{ext}", {"artist": "Nina Simone", "title": "Sinnerman"}, "m4a"
    )

    assert path == PurePosixPath("Nina Simone/Sinnerman.m4a")


def test_dot_folders_in_the_template_are_refused():
    with pytest.raises(ValueError, match="may not contain"):
        render_path("../{artist}/{title}.{ext}", meta(), "mp3")


def test_unknown_placeholder_is_named_in_the_error():
    with pytest.raises(ValueError, match=r"unknown placeholder \{genre\}"):
        render_path("{genre}/{title}.{ext}", meta(), "mp3")


def test_attribute_access_in_a_placeholder_is_refused():
    with pytest.raises(ValueError, match="unknown placeholder"):
        render_path("{title.__class__}.{ext}", meta(), "mp3")


def test_a_format_spec_that_does_not_fit_is_a_clear_error():
    with pytest.raises(ValueError, match="cannot render"):
        render_path("{title:02d}.{ext}", meta(), "mp3")


def test_extension_is_added_when_the_template_has_none():
    assert render_path("{artist} - {title}", meta(), "ogg") == PurePosixPath(
        "Daft Punk - Get Lucky.ogg"
    )


def test_missing_values_fall_back_to_readable_names():
    path = render_path(
        DEFAULT_PATH_TEMPLATE, TrackMeta(title="  ", artists=[""], album="..."), "mp3"
    )

    assert path == PurePosixPath("Unknown Artist/Unknown Album/00 - Untitled.mp3")


@pytest.mark.parametrize(
    ("artist", "expected"),
    [
        ("../../etc", "_.._etc"),  # separators replaced, then the leading dots dropped
        ("AC/DC", "AC_DC"),
        ("a\\b", "a_b"),
        ('What? "Why": <me>|*', "What_ _Why__ _me___"),
        ("tab\there\nnewline\x00nul", "tab here newline nul"),
        ("  .hidden. . ", "hidden"),
        ("CON", "_CON"),
        ("con", "_con"),
        ("Nul.txt", "_Nul.txt"),
        ("COM1", "_COM1"),
        ("LPT9 .x", "_LPT9 .x"),
        ("CONSOLE", "CONSOLE"),
        ("Björk", "Björk"),
        ("坂本龍一", "坂本龍一"),
    ],
)
def test_each_component_is_sanitized(artist, expected):
    path = render_path("{artist}/{title}.{ext}", meta(artists=[artist]), "mp3")

    assert path.parts == (expected, "Get Lucky.mp3")


def test_reserved_name_with_the_extension_is_avoided_in_the_file_name():
    assert render_path("{title}.{ext}", meta(title="aux"), "mp3") == PurePosixPath("_aux.mp3")


def test_names_are_nfc_normalized():
    decomposed = "Beyonce\u0301"

    path = render_path("{artist}/{title}.{ext}", meta(artists=[decomposed]), "mp3")

    assert path.parts[0] == "Beyoncé" == unicodedata.normalize("NFC", decomposed)


def test_long_names_are_cut_on_a_character_boundary_keeping_the_extension():
    path = render_path("{artist}/{title}.{ext}", meta(artists=["é" * 300], title="ß" * 300), "flac")

    folder, name = path.parts
    assert len(folder.encode()) <= MAX_COMPONENT_BYTES and set(folder) == {"é"}
    assert len(name.encode()) <= MAX_COMPONENT_BYTES
    assert name.endswith(".flac") and set(name.removesuffix(".flac")) == {"ß"}


def test_library_file_refuses_paths_that_leave_the_root(tmp_path):
    assert library_file(tmp_path, PurePosixPath("a/b.mp3")) == tmp_path / "a" / "b.mp3"
    with pytest.raises(ValueError, match="outside the library"):
        library_file(tmp_path, PurePosixPath("../escape.mp3"))
    with pytest.raises(ValueError, match="outside the library"):
        library_file(tmp_path, PurePosixPath("/etc/passwd"))


metadata_text = st.text(st.characters(codec="utf-8"), max_size=300) | st.sampled_from(
    ["", ".", "..", "CON", "nul.txt", "  ", "a/../b", "COM¹", "\x00", "x" * 400]
)


@settings(max_examples=300, deadline=None)
@given(
    title=metadata_text,
    artist=metadata_text,
    album=metadata_text,
    track_number=st.none() | st.integers(min_value=0, max_value=10_000),
    ext=st.sampled_from(["mp3", "flac", "ogg", "m4a", "wav"]),
)
def test_any_metadata_renders_to_a_safe_path_inside_the_root(
    tmp_path_factory, title, artist, album, track_number, ext
):
    root = tmp_path_factory.getbasetemp() / "library"
    track = TrackMeta(title=title, artists=[artist], album=album, track_number=track_number)

    path = render_path(DEFAULT_PATH_TEMPLATE, track, ext)

    assert not path.is_absolute() and len(path.parts) == 3
    assert path.name.endswith(f".{ext}")
    for part in path.parts:
        assert part and part not in (".", "..")
        assert len(part.encode()) <= MAX_COMPONENT_BYTES
        assert not set(part) & WINDOWS_FORBIDDEN
        assert part == part.strip(" .") or part.endswith(f".{ext}")
        assert part.split(".")[0].rstrip(" ").upper() not in WINDOWS_RESERVED
        assert unicodedata.is_normalized("NFC", part)
    assert (root / path).resolve().is_relative_to(root.resolve())


def test_atomic_write_places_the_file_and_leaves_no_temp_file(tmp_path):
    dest = tmp_path / "Artist" / "Album" / "01 - Song.mp3"

    final = atomic_write(dest, [b"abc", b"def"])

    assert final == dest and dest.read_bytes() == b"abcdef"
    assert os.listdir(dest.parent) == ["01 - Song.mp3"]


def test_a_failed_write_removes_the_temp_file_and_keeps_the_old_file(tmp_path):
    dest = tmp_path / "song.mp3"
    dest.write_bytes(b"old")

    def chunks():
        yield b"partial"
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        atomic_write(dest, chunks())

    assert dest.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["song.mp3"]


def test_the_temp_file_is_hidden_beside_the_destination_while_writing(tmp_path):
    dest = tmp_path / "song.mp3"

    with atomic_destination(dest) as target:
        assert target.temp.parent == tmp_path
        assert target.temp.name.startswith(".song.mp3.") and target.temp.name.endswith(".part")
        assert not dest.exists()
        target.temp.write_bytes(b"new")

    assert target.path == dest and dest.read_bytes() == b"new"


def test_a_re_download_replaces_its_own_file(tmp_path):
    dest = tmp_path / "song.mp3"
    atomic_write(dest, [b"first"])

    assert atomic_write(dest, [b"second"]) == dest
    assert dest.read_bytes() == b"second"


def test_without_replace_an_existing_file_is_kept_and_a_free_name_chosen(tmp_path):
    dest = tmp_path / "song.mp3"
    atomic_write(dest, [b"mine"])

    second = atomic_write(dest, [b"other"], replace=False)
    third = atomic_write(dest, [b"another"], replace=False)

    assert (second.name, third.name) == ("song (2).mp3", "song (3).mp3")
    assert [p.read_bytes() for p in (dest, second, third)] == [b"mine", b"other", b"another"]
    assert sorted(os.listdir(tmp_path)) == ["song (2).mp3", "song (3).mp3", "song.mp3"]


def test_place_file_moves_a_fetched_part_file_into_the_library(tmp_path):
    staged = tmp_path / "staging" / ".tf-http-123.part"
    staged.parent.mkdir()
    staged.write_bytes(b"audio")
    dest = tmp_path / "library" / "A" / "song.mp3"

    assert place_file(staged, dest) == dest
    assert dest.read_bytes() == b"audio" and not staged.exists()


def test_clean_partials_removes_only_old_temp_files(tmp_path):
    old = [
        tmp_path / "A" / ".song.mp3.1a2b.part",
        tmp_path / ".tf-ytdlp-9.m4a.part",
        tmp_path / ".tf-ytdlp-8.m4a",  # finished by yt-dlp, not yet renamed
        tmp_path / "x.ytdl",
    ]
    fresh = tmp_path / "A" / ".other.mp3.3c4d.part"
    kept = tmp_path / "A" / "song.mp3"
    for path in [*old, fresh, kept]:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")
    an_hour_ago = time.time() - 3700
    for path in [*old, kept]:
        os.utime(path, (an_hour_ago, an_hour_ago))

    removed = clean_partials(tmp_path, older_than=3600)

    assert sorted(removed) == sorted(old)
    assert fresh.exists() and kept.exists()
    assert not any(path.exists() for path in old)


def test_clean_partials_on_a_missing_root_is_a_no_op(tmp_path):
    assert clean_partials(tmp_path / "nowhere") == []


def test_library_file_joins_under_the_resolved_root(tmp_path):
    rel = render_path(DEFAULT_PATH_TEMPLATE, meta(artists=[".."], album="..", title=".."), "mp3")

    path = library_file(tmp_path, rel)

    assert path.resolve().is_relative_to(tmp_path.resolve())
    assert Path(path).relative_to(tmp_path).parts == (
        "Unknown Artist",
        "Unknown Album",
        "00 - Untitled.mp3",
    )


@pytest.mark.parametrize(
    ("current", "same"),
    [
        ("Artist/Album/Song.mp3", True),
        ("Artist/Album/Song (2).mp3", True),
        ("Artist/Album/Song (12).mp3", True),
        ("Artist/Album/Song (2).flac", False),  # another extension: another file
        ("Artist/Other/Song (2).mp3", False),
        ("Artist/Album/Song (two).mp3", False),
        ("Artist/Album/Song (2) (3).mp3", False),
        ("Artist/Album/Songs.mp3", False),
    ],
)
def test_a_tracks_file_is_in_its_slot_with_or_without_a_collision_suffix(tmp_path, current, same):
    assert same_slot(tmp_path / current, tmp_path / "Artist/Album/Song.mp3") is same
