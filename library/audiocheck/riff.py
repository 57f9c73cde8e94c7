"""WAV: a RIFF container of chunks ("fmt ", "data", tags), each padded to an even size."""


def problem(data) -> str | None:
    position, seen = 12, set()
    while position + 8 <= len(data):
        kind = bytes(data[position : position + 4])
        size = int.from_bytes(data[position + 4 : position + 8], "little")
        seen.add(kind)
        end = position + 8 + size
        if end > len(data):
            return f"is truncated: its {kind.decode('latin-1').strip()!r} chunk is cut short"
        position = end + (size & 1)
    if position < len(data):
        return "is truncated: it ends inside a chunk header"
    if int.from_bytes(data[4:8], "little") + 8 > len(data):
        return "is truncated: it is shorter than its RIFF header says"
    if b"fmt " not in seen or b"data" not in seen:
        return "is damaged: it has no format or no data chunk"
    return None
