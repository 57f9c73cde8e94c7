"""Word lists for the fake catalog.

The special names are the ones real libraries trip importers and file-name templates
up with: accents, CJK, Hangul, Cyrillic, emoji, slashes, parentheses, punctuation only.
"""

SPECIAL_ARTISTS = (
    "Sigur Rós",
    "坂本龍一",
    "Björk",
    "Motörhead",
    "Beyoncé",
    "Ólafur Arnalds",
    "방탄소년단",
    "Тату",
    "🦊 Fox Emoji Club 🎸",
    "AC/DC",
    "Sunn O)))",
    "!!!",
)

SPECIAL_TITLES = (
    "Hoppípolla",
    "Merry Christmas Mr. Lawrence - 戦場のメリークリスマス",
    "🔥🔥🔥",
    "Ünïcödé Sœur – “Quoted” & <Tagged>",
    "Song 2 - 2012 Remaster",
    "What's Up? (Live at the BBC)",
)

ADJECTIVES = (
    "Midnight", "Golden", "Electric", "Silent", "Broken", "Neon", "Velvet", "Crystal",
    "Wild", "Lonely", "Endless", "Hidden", "Paper", "Northern", "Burning", "Frozen",
    "Secret", "Summer", "Lost", "Blue", "Hollow", "Bright", "Distant", "Quiet",
)  # fmt: skip

NOUNS = (
    "Echoes", "Rivers", "Hearts", "Machines", "Skies", "Dreams", "Shadows", "Waves",
    "Lights", "Roads", "Ghosts", "Gardens", "Mirrors", "Horizons", "Stars", "Streets",
    "Tides", "Engines", "Voices", "Flowers", "Cities", "Oceans", "Fires", "Letters",
)  # fmt: skip

FIRST_NAMES = (
    "Ada", "Bo", "Chloé", "Dmitri", "Eun-ji", "Farah", "Gus", "Hana", "Iggy", "Jon",
    "Kaja", "Luis", "Mira", "Nils", "Oona", "Pau", "Quinn", "Rosa", "Sven", "Tove",
)  # fmt: skip

LAST_NAMES = (
    "Andersson", "Brook", "Castillo", "Dahl", "Eriksen", "Fujita", "García", "Holm",
    "Ivanova", "Jónsdóttir", "Kim", "Lindqvist", "Moreau", "Nakamura", "Okafor", "Park",
)  # fmt: skip

SUFFIXES = ("", "", "", "", " - Remastered", " - Live", " - Radio Edit", " (Acoustic)")

PLAYLIST_NAMES = (
    "Road Trip",
    "Chill Vibes",
    "Workout 💪",
    "Sigur Rós & friends",
    "日本の音楽",
    "Focus",
    "Throwbacks",
    "Rainy Days",
    "Party/Dance",
    "Sleep",
)

MARKETS = ["DE", "FR", "GB", "IS", "JP", "SE", "US"]
LONG_NAME_LENGTH = 300


def long_name(stem: str) -> str:
    """A name of exactly LONG_NAME_LENGTH characters, to test column sizes and paths."""
    return (stem + " " + "la " * LONG_NAME_LENGTH)[: LONG_NAME_LENGTH - 1] + "!"
