"""MP3: a run of MPEG audio frames between optional ID3v2 (front) and ID3v1/APE (back) tags."""

# kbit/s by (MPEG-1?, layer) and bitrate index; index 0 (free format) and 15 are refused.
_BITRATES = {
    (True, 1): (0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448),
    (True, 2): (0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384),
    (True, 3): (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    (False, 1): (0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256),
    (False, 2): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
_BITRATES[(False, 3)] = _BITRATES[(False, 2)]
_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}


def frame_length(header: bytes) -> int:
    """Bytes in the frame starting with these 4 bytes; 0 if they are not a frame header."""
    if len(header) < 4 or header[0] != 0xFF or header[1] & 0xE0 != 0xE0:
        return 0
    version, layer = (header[1] >> 3) & 3, 4 - ((header[1] >> 1) & 3)
    bitrate_index, rate_index = header[2] >> 4, (header[2] >> 2) & 3
    if version == 1 or layer == 4 or rate_index == 3 or bitrate_index in (0, 15):
        return 0
    bitrate = _BITRATES[(version == 3, layer)][bitrate_index] * 1000
    rate, padding = _RATES[version][rate_index], (header[2] >> 1) & 1
    if layer == 1:
        return (12 * bitrate // rate + padding) * 4
    per_frame = 72 if layer == 3 and version != 3 else 144
    return per_frame * bitrate // rate + padding


def is_frame_header(header: bytes) -> bool:
    return frame_length(header) > 0


def problem(data) -> str | None:
    start, end = _audio_start(data), _audio_end(data)
    position, frames = start, 0
    while position + 4 <= end:
        length = frame_length(data[position : position + 4])
        if not length:
            break
        position += length
        frames += 1
    if start >= len(data):
        return "is truncated: it ends inside its ID3 tag"
    if frames == 0:
        return "has no MPEG audio frames"
    if position > end or 0 < end - position < 4:
        return "is truncated: it ends in the middle of an audio frame"
    announced = _vbr_header_bytes(data, start)
    if announced and position - start < announced:
        return "is truncated: it has fewer audio bytes than its header announces"
    return None


def _vbr_header_bytes(data, start: int) -> int | None:
    """The audio size a Xing/Info (LAME) or VBRI header in the first frame announces."""
    first = bytes(data[start : start + 64])
    for marker in (b"Xing", b"Info"):
        at = first.find(marker)
        if at > 0 and first[at + 7] & 0x02:  # flags: the byte count is present
            skip = 4 if first[at + 7] & 0x01 else 0  # after the frame count, if present
            return int.from_bytes(first[at + 8 + skip : at + 12 + skip], "big")
    if first[36:40] == b"VBRI":
        return int.from_bytes(first[46:50], "big")
    return None


def _audio_start(data) -> int:
    """Skips ID3v2 tags (some taggers write several)."""
    position = 0
    while data[position : position + 3] == b"ID3" and len(data) >= position + 10:
        size = 0
        for byte in data[position + 6 : position + 10]:
            size = (size << 7) | (byte & 0x7F)
        footer = 10 if data[position + 5] & 0x10 else 0
        position += 10 + size + footer
    return position


def _audio_end(data) -> int:
    """Where the frames must stop: before an ID3v1 tag and an APEv2 tag, if present."""
    end = len(data)
    if end >= 128 and data[end - 128 : end - 125] == b"TAG":
        end -= 128
    if end >= 32 and data[end - 32 : end - 24] == b"APETAGEX":
        size = int.from_bytes(data[end - 20 : end - 16], "little")
        has_header = data[end - 9] & 0x80
        end -= size + (32 if has_header else 0)
    return max(end, 0)
