"""Rebuild ``static/fonts/NotoSansSC-Regular-Han.ttf`` from Debian's ``fonts-noto-cjk``.

    python tools/fonts/build_certificate_font.py [SOURCE.ttc] [OUTPUT.ttf]

Keeps Latin, CJK punctuation, every CJK Unified Ideograph, Extension A and the compatibility
ideographs of Noto Sans CJK SC (face 2 of the collection), and converts the CFF outlines to
TrueType (quadratic) so that certificate PDFs embed a plain CIDFontType2 font, which every PDF
viewer and text extractor reads.
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, newTable

SOURCE = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
OUTPUT = Path(__file__).resolve().parents[2] / "static" / "fonts" / "NotoSansSC-Regular-Han.ttf"
SIMPLIFIED_CHINESE_FACE = 2
RANGES = (
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x024F),  # Latin-1, Latin Extended-A and -B (Zoë, Đặng)
    (0x2010, 0x2027),  # dashes, quotes, ellipsis
    (0x2030, 0x203B),
    (0x2E80, 0x2FDF),  # radicals
    (0x3000, 0x303F),  # CJK punctuation
    (0x31C0, 0x31EF),  # strokes
    (0x3400, 0x4DBF),  # Extension A
    (0x4E00, 0x9FFF),  # CJK Unified Ideographs
    (0xF900, 0xFAFF),  # compatibility ideographs
    (0xFF01, 0xFF65),  # full-width forms
)
ZEROED_MAXP = (
    "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
    "maxStackElements", "maxSizeOfInstructions", "maxComponentElements", "maxPoints",
    "maxContours", "maxCompositePoints", "maxCompositeContours", "maxComponentDepth",
)  # fmt: skip


def build(source: str, output: Path) -> None:
    font = TTFont(source, fontNumber=SIMPLIFIED_CHINESE_FACE)
    options = subset.Options()
    options.layout_features = []
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.hinting = False
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "BASE", "VORG", "vhea", "vmtx"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[code for low, high in RANGES for code in range(low, high + 1)])
    subsetter.subset(font)
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyf[name] = pen.glyph()
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    del font["CFF "]
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for attribute in ZEROED_MAXP:
        setattr(maxp, attribute, 0)
    maxp.maxZones = 1
    font["head"].indexToLocFormat = 0
    font["head"].glyphDataFormat = 0
    post = font["post"]
    post.formatType = 3.0
    post.extraNames = []
    post.mapping = {}
    font.sfntVersion = "\x00\x01\x00\x00"
    font.save(str(output))


if __name__ == "__main__":
    build(
        sys.argv[1] if len(sys.argv) > 1 else SOURCE,
        Path(sys.argv[2]) if len(sys.argv) > 2 else OUTPUT,
    )
