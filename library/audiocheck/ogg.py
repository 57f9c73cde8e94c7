"""Ogg: a chain of pages, each "OggS", 27 header bytes, a segment table and its body."""


def problem(data) -> str | None:
    position, flags = 0, 0
    while position < len(data):
        if position + 27 > len(data):
            return "is truncated: it ends inside a page header"
        if data[position : position + 4] != b"OggS":
            return f"is damaged: no Ogg page at byte {position}"
        flags, segments = data[position + 5], data[position + 26]
        table = data[position + 27 : position + 27 + segments]
        position += 27 + segments + sum(table)
    if position > len(data):
        return "is truncated: it ends in the middle of a page"
    if not flags & 0x04:
        return "is truncated: the stream has no end-of-stream page"
    return None
