"""FLAC: metadata blocks, then audio frames each closed by a CRC-16 of the whole frame.

A file is whole when it ends with a frame whose header checks out (CRC-8), whose samples reach
the total STREAMINFO announces, and whose CRC-16 matches: a cut anywhere, even between two
frames, fails one of the three.
"""

TAIL = 1 << 20  # the last frame is searched for in the final MiB (frames are far smaller)


def _crc_table(poly: int, width: int) -> list[int]:
    top, mask = 1 << (width - 1), (1 << width) - 1
    table = []
    for byte in range(256):
        crc = byte << (width - 8)
        for _ in range(8):
            crc = ((crc << 1) ^ poly) if crc & top else crc << 1
        table.append(crc & mask)
    return table


_CRC8, _CRC16 = _crc_table(0x07, 8), _crc_table(0x8005, 16)


def crc8(data: bytes) -> int:
    crc = 0
    for byte in data:
        crc = _CRC8[crc ^ byte]
    return crc


def crc16(data: bytes) -> int:
    crc = 0
    for byte in data:
        crc = ((crc << 8) & 0xFFFF) ^ _CRC16[(crc >> 8) ^ byte]
    return crc


def problem(data) -> str | None:
    if len(data) > 4 and data[4] & 0x7F != 0:
        return "is damaged: it has no STREAMINFO block"
    if len(data) < 42:
        return "is truncated: it ends inside its STREAMINFO block"
    block_size = int.from_bytes(data[10:12], "big")  # STREAMINFO's maximum block size
    total = int.from_bytes(data[21:26], "big") & 0xFFFFFFFFF
    end = len(data) - (128 if data[-128:-125] == b"TAG" else 0)
    start = max(42, end - TAIL)
    tail = bytes(data[start:end])
    position = len(tail) - 2
    while (position := tail.rfind(b"\xff", 0, position)) >= 0:
        header = _frame_header(tail, position, block_size)
        if header is None:
            continue
        first_sample, samples = header
        if total and first_sample + samples != total:
            continue
        if crc16(tail[position:-2]) == int.from_bytes(tail[-2:], "big"):
            return None
        return "is truncated: its last audio frame is cut short"
    return "is truncated: it does not end with its last audio frame"


def _frame_header(data: bytes, at: int, block_size: int) -> tuple[int, int] | None:
    """(first sample, samples) of a valid frame header at `at`, or None."""
    if len(data) < at + 6 or data[at + 1] & 0xFE != 0xF8:
        return None
    variable = data[at + 1] & 1
    size_code, rate_code = data[at + 2] >> 4, data[at + 2] & 0x0F
    if size_code == 0 or rate_code == 15 or data[at + 3] & 1:
        return None
    number, position = _utf8_number(data, at + 4)
    if number is None:
        return None
    if size_code == 6:
        samples, position = data[position] + 1, position + 1
    elif size_code == 7:
        samples, position = int.from_bytes(data[position : position + 2], "big") + 1, position + 2
    elif size_code == 1:
        samples = 192
    elif size_code <= 5:
        samples = 576 << (size_code - 2)
    else:
        samples = 256 << (size_code - 8)
    position += {12: 1, 13: 2, 14: 2}.get(rate_code, 0)
    if position >= len(data) or crc8(data[at:position]) != data[position]:
        return None
    return (number if variable else number * block_size), samples


def _utf8_number(data: bytes, at: int) -> tuple[int | None, int]:
    """FLAC's frame or sample number, coded like UTF-8 (1 to 7 bytes)."""
    if at >= len(data):
        return None, at
    first = data[at]
    extra = next((n for n in range(7) if not first & (0x80 >> n)), 7) - 1
    if first & 0x80 == 0:
        return first, at + 1
    if extra < 1 or first == 0xFF:
        return None, at
    value = first & (0x3F >> extra) if extra < 6 else 0
    for byte in data[at + 1 : at + 1 + extra]:
        if byte & 0xC0 != 0x80:
            return None, at
        value = (value << 6) | (byte & 0x3F)
    return value, at + 1 + extra
