"""Whole files pass and every cut-short copy fails, whatever the format and the cut."""

import functools

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from library.audiocheck import problem, problem_in
from trackflow.testing.audio import FORMATS, make_audio


@functools.cache
def sample(fmt: str) -> bytes:
    return make_audio(fmt, 1.3, title="Sample", artist="Someone", album="Somewhere")


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_whole_file_has_no_problem(fmt, tmp_path):
    path = tmp_path / "whole"
    path.write_bytes(sample(fmt))
    assert problem(path) == ("ogg" if fmt == "ogg" else fmt, None)


@pytest.mark.parametrize("fmt", FORMATS)
@settings(max_examples=80, deadline=None)
@given(fraction=st.floats(min_value=0.0, max_value=1.0, exclude_max=True))
@example(fraction=0.001953125)  # a FLAC cut inside its STREAMINFO block
def test_any_cut_short_copy_has_a_problem(fmt, fraction):
    data = sample(fmt)
    found, why = problem_in(data[: int(len(data) * fraction)])
    assert why is not None and ("truncated" in why or "not audio" in why or "no MPEG" in why)


@pytest.mark.parametrize("fmt", FORMATS)
def test_cutting_at_any_of_the_last_bytes_is_caught_even_on_a_frame_boundary(fmt):
    data = sample(fmt)
    for cut in range(len(data) - 1, len(data) - 400, -1):
        assert problem_in(data[:cut])[1] is not None, cut


def test_junk_with_an_audio_looking_name_is_not_audio(tmp_path):
    path = tmp_path / "song.mp3"
    path.write_bytes(b"\x00" * 1000)
    assert problem(path) == (
        None,
        "the file is not audio (expected MP3, FLAC, Ogg Vorbis, Opus, M4A or WAV)",
    )
