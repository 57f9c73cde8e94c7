"""MP4/M4A: a sequence of top-level boxes, each with its size; the audio is in `mdat`."""


def problem(data) -> str | None:
    position, seen = 0, set()
    while position < len(data):
        if position + 8 > len(data):
            return "is truncated: it ends inside a box header"
        size = int.from_bytes(data[position : position + 4], "big")
        kind = bytes(data[position + 4 : position + 8])
        if size == 1:
            size = int.from_bytes(data[position + 8 : position + 16], "big")
        elif size == 0:  # the last box runs to the end of the file
            size = len(data) - position
        if size < 8:
            return f"is damaged: a box at byte {position} has an impossible size"
        seen.add(kind)
        position += size
    if position > len(data):
        return "is truncated: its last box is cut short"
    if b"moov" not in seen or b"mdat" not in seen:
        return "is truncated or damaged: it lacks its movie header or its media data"
    return None
