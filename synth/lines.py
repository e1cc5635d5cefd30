"""Text-line images with exact ground truth, for training and judging line recognisers.

Line `i` of a stream is a pure function of `(seed, i)`: a training run that resumes at step
`s` draws the same lines it would have drawn without stopping, and a held-out set is the same
wherever it is rendered. Each line is drawn from a text mix (Korean words by frequency, rare
KS X 1001 syllables, document phrases, numbers, Latin, symbols), printed with one font of a
font set, then damaged as photographs damage documents: perspective, rotation, blur, low
resolution, shadows, paper texture, seal ink, neighbouring lines cut in, JPEG, noise.

Fonts come from Debian packages (`TRAINING_FONT_PACKAGES`). `HELD_OUT_FONTS` are never used
for training: the evaluation set is printed with them only.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from synth.corpus import Corpus
from workers.korean.jamo import SYMBOLS, JamoAlphabet, ks_x_1001_syllables

TRAINING_FONT_PACKAGES = (
    "fonts-nanum",
    "fonts-nanum-extra",
    "fonts-nanum-eco",
    "fonts-unfonts-core",
    "fonts-unfonts-extra",
    "fonts-baekmuk",
    "fonts-alee",
    "fonts-lexi-saebom",
    "fonts-lexi-gulim",
    "fonts-noto-cjk",
    "fonts-naver-d2coding",
    "fonts-noto-cjk-extra",
    "fonts-woowa-bm",
)
"""Debian packages holding every font below."""

_NANUM = "/usr/share/fonts/truetype/nanum/"
_UN = "/usr/share/fonts/truetype/unfonts-core/"
_UN_EXTRA = "/usr/share/fonts/truetype/unfonts-extra/"
_NOTO = "/usr/share/fonts/opentype/noto/"
_WOOWA = "/usr/share/fonts/truetype/woowa-bm/"

TRAINING_FONTS: tuple[tuple[str, int], ...] = (
    *(
        (_NANUM + name, 0)
        for name in (
            "NanumGothic.ttf", "NanumGothicBold.ttf", "NanumGothicLight.ttf",
            "NanumGothicExtraBold.ttf", "NanumGothicCoding.ttf", "NanumGothicCodingBold.ttf",
            "NanumMyeongjo.ttf", "NanumMyeongjoBold.ttf", "NanumMyeongjoExtraBold.ttf",
            "NanumBarunGothic.ttf", "NanumBarunGothicBold.ttf", "NanumBarunGothicLight.ttf",
            "NanumSquareR.ttf", "NanumSquareB.ttf", "NanumSquareL.ttf", "NanumSquareEB.ttf",
            "NanumSquareRoundR.ttf", "NanumSquareRoundB.ttf", "NanumSquare_acR.ttf",
            "NanumGothicEcoR.ttf", "NanumMyeongjoEcoR.ttf", "NanumBarunpenR.ttf",
            "NanumPen.ttf",
        )
    ),
    (_NOTO + "NotoSansCJK-Regular.ttc", 1),
    (_NOTO + "NotoSansCJK-Bold.ttc", 1),
    (_NOTO + "NotoSansCJK-Regular.ttc", 6),
    ("/usr/share/fonts/truetype/baekmuk/batang.ttf", 0),
    ("/usr/share/fonts/truetype/baekmuk/dotum.ttf", 0),
    ("/usr/share/fonts/truetype/naver-d2coding/D2Coding-Ver1.3.2-20180524-all.ttc", 0),
    (_UN + "UnDinaru.ttf", 0),
    (_UN + "UnGungseo.ttf", 0),
    (_UN + "UnPilgi.ttf", 0),
    (_UN_EXTRA + "UnShinmun.ttf", 0),
    (_UN_EXTRA + "UnTaza.ttf", 0),
    (_UN_EXTRA + "UnVada.ttf", 0),
    (_UN_EXTRA + "UnJamoBatang.ttf", 0),
    (_UN_EXTRA + "UnJamoNovel.ttf", 0),
    (_UN_EXTRA + "UnJamoSora.ttf", 0),
    (_UN_EXTRA + "UnPen.ttf", 0),
    (_UN_EXTRA + "UnPenheulim.ttf", 0),
    (_UN_EXTRA + "UnPilgia.ttf", 0),
    ("/usr/share/fonts/truetype/alee/Bandal.ttf", 0),
    ("/usr/share/fonts/truetype/alee/Guseul.ttf", 0),
    ("/usr/share/fonts/truetype/lexi/LexiSaebomR.ttf", 0),
)  # fmt: skip
"""Gothic, myeongjo, square, rounded, monospaced, typewriter and pen faces."""

HELD_OUT_FONTS: tuple[tuple[str, int], ...] = (
    (_UN + "UnDotum.ttf", 0),
    (_UN + "UnDotumBold.ttf", 0),
    (_UN + "UnBatang.ttf", 0),
    (_UN + "UnGraphic.ttf", 0),
    ("/usr/share/fonts/truetype/baekmuk/gulim.ttf", 0),
    ("/usr/share/fonts/truetype/lexi/LexiGulim.ttf", 0),
    (_NOTO + "NotoSerifCJK-Regular.ttc", 1),
)
"""Faces the recogniser never trains on: the held-out evaluation set is printed with these."""

MORE_FACES: tuple[tuple[str, int], ...] = (
    *((_NOTO + f"NotoSansCJK-{weight}.ttc", 1) for weight in ("Thin", "Light", "Medium", "Black")),
    (_WOOWA + "BMDOHYEON_ttf.ttf", 0),
    (_WOOWA + "BMJUA_ttf.ttf", 0),
    (_WOOWA + "BMYEONSUNG_ttf.ttf", 0),
    (_WOOWA + "BMEULJIROTTF.ttf", 0),
)
"""Faces the fifth stage adds to TRAINING_FONTS (`LineStyle.more_faces`): Noto Sans's other
weights and the sign-painter and headline faces of shop signs and menus (fonts-woowa-bm's,
less its Hanna faces, which lack the documents' symbols such as `※` and `㈜`)."""
HELD_OUT_NEW_FACES: tuple[tuple[str, int], ...] = (
    (_NOTO + "NotoSansCJK-DemiLight.ttc", 1),
    (_WOOWA + "BMEuljiro10yearslater.ttf", 0),
)
"""Held out with the fifth stage's faces: a weight and a face of the families it adds (a slice
of `bench.eval_lines` of their own, so that HELD_OUT_FONTS reads as before; the package's
weathered BMEuljirooraeorae is left out, no reader can make out its lines once damaged)."""


VALIDATION_SEED = 10_000
"""The seed of the lines a training run is judged on (and the decoder's weights tuned on)."""


@dataclass(frozen=True)
class LineStyle:
    """How long lines run and how tightly they are cropped."""

    max_chars: int = 28
    min_margin: float = 0.05
    """Least space left and right of the text, in font sizes (0: cut at the ink, as a tight
    detector box is)."""
    joined: float = 0.0
    """Share of lines made of two texts joined (long sentences, label and value on one line)."""
    max_width: int = 800
    """Widest line a training batch holds once scaled to the model's height; wider ones are
    squeezed."""
    low_resolution: float = 0.0
    """Share of lines photographed small (see `shrunk`)."""
    rough: float = 0.0
    """Share of lines printed and photographed roughly (see `roughened`)."""
    masked: float = 0.0
    """Share of lines that are numbers masked with `*`, as receipts and copies print them."""
    more_faces: bool = False
    """Whether training prints with MORE_FACES too."""
    spaced: float = 0.0
    """Share of lines that are a heading or a word printed letter-spaced (`영 수 증`,
    `- 아 래 -`), as forms set their titles."""
    rare: float = 0.0
    """Share of lines drawn as random KS X 1001 syllables before the usual mix (which holds
    them too): practice at telling apart the jamo that no word would suggest."""


SHORT = LineStyle()
"""The first training stage: short lines, never cut at the ink."""
LONG = LineStyle(max_chars=48, min_margin=0.0, joined=0.35, max_width=1600)
"""The second stage and the held-out evaluation: page-wide lines too, some cut tight."""
PHOTO = replace(LONG, low_resolution=0.3)
"""The third stage: the second's lines, almost a third of them as small as pages scaled to the
detector leave small print."""
ROUGH = replace(PHOTO, rough=0.35, masked=0.03)
"""The fourth stage: the third's lines, a third of them in condensed, wide or heavy type or
blurred by a moving hand, and some masked numbers (every receipt prints its card's)."""
LOW_RESOLUTION = replace(SHORT, low_resolution=1.0)
"""Every line small: the low-resolution slice of the evaluation."""
FACES = replace(ROUGH, more_faces=True, spaced=0.03)
"""The fifth stage: the fourth's lines, printed with MORE_FACES too, and some letter-spaced
headings."""
RARE = replace(FACES, rare=0.12)
"""The seventh stage: the fifth and sixth stages' lines, about a quarter of them random syllables
(such lines held a third of the sixth's errors on photographed held-out lines)."""
SMALL = replace(RARE, low_resolution=0.5)
"""The ninth stage: the seventh and eighth stages' lines, half of them as small as pages scaled to
the detector leave small print (a syllable 8-14 px high held the eighth's worst errors: 14 % CER
on such lines, 3 % on photographed ones)."""
STYLES = {
    "short": SHORT,
    "long": LONG,
    "photo": PHOTO,
    "rough": ROUGH,
    "faces": FACES,
    "rare": RARE,
    "small": SMALL,
}


HEADINGS = (
    "영수증", "견적서", "거래명세서", "세금계산서", "계산서", "청구서", "계약서", "확인서",
    "납품확인서", "위임장", "신청서", "증명서", "재직증명서", "경력증명서", "통지서", "안내문",
    "공고", "아래", "알림", "수신", "발신", "합계", "비고", "사업자등록증", "등록증", "명세서",
)  # fmt: skip
"""Titles forms print letter-spaced."""


@dataclass(frozen=True)
class TextLine:
    """A grey line image as photographed (any height) and the text printed on it."""

    image: np.ndarray
    text: str
    font: str


class LineTexts:
    """The text mix of training lines, drawn from a seeded generator."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._corpus = Corpus(rng)
        self._korean = _korean_words()
        self._english = _english_words()
        self._syllables = ks_x_1001_syllables()
        self._makers = (
            (self._korean_phrase, 30),
            (self._document_row, 20),
            (self._rare_syllables, 14),
            (self._numbers, 14),
            (self._latin, 10),
            (self._mixed, 10),
            (self._short, 4),
        )

    def draw(self, style: LineStyle = SHORT) -> str:
        """One line of text, at most `style.max_chars` characters."""
        makers, weights = zip(*self._makers, strict=True)
        if style.masked and self._rng.random() < style.masked:
            return self._masked()
        if style.spaced and self._rng.random() < style.spaced:
            return self._letter_spaced()
        if style.rare and self._rng.random() < style.rare:
            return self._rare_syllables()[: style.max_chars].strip()
        text = self._rng.choices(makers, weights=weights)[0]()
        if style.joined and self._rng.random() < style.joined:
            text += " " + self._rng.choices(makers, weights=weights)[0]()
        return " ".join(text.split())[: style.max_chars].strip() or "0"

    def _masked(self) -> str:
        """A card, resident, phone or account number with its middle masked."""
        rng = self._rng

        def digits(count: int) -> str:
            return "".join(rng.choices("0123456789", k=count))

        separator = rng.choice("-- ")
        number = rng.choice(
            (
                separator.join((digits(4), digits(2) + "**", "****", digits(4))),
                f"{digits(6)}-{digits(1)}******",
                f"010-****-{digits(4)}",
                f"{digits(3)}-***-{digits(6)}",
                f"{digits(4)}-****-****-{digits(4)}",
            )
        )
        label = rng.choice(("", "", "카드번호 ", "카드번호: ", "주민등록번호 ", "계좌 ", "TEL "))
        return label + number

    def _letter_spaced(self) -> str:
        """A form's heading or a word, a space between its letters, at times between dashes
        or brackets."""
        rng = self._rng
        word = rng.choice(HEADINGS) if rng.random() < 0.5 else rng.choice(self._korean)
        spaced = " ".join(word)
        left, right = rng.choice((("", ""), ("", ""), ("- ", " -"), ("[ ", " ]"), ("< ", " >")))
        return left + spaced + right

    def _korean_phrase(self) -> str:
        words = self._rng.choices(self._korean, k=self._rng.randint(1, 5))
        return " ".join(words)

    def _document_row(self) -> str:
        return self._rng.choice(self._corpus.row())

    def _rare_syllables(self) -> str:
        groups = [
            "".join(self._rng.choices(self._syllables, k=self._rng.randint(1, 5)))
            for _ in range(self._rng.randint(1, 4))
        ]
        return " ".join(groups)

    def _numbers(self) -> str:
        rng = self._rng
        style = rng.randrange(7)
        if style == 0:
            return f"{rng.randint(100, 999)}-{rng.randint(10, 99)}-{rng.randint(10000, 99999)}"
        if style == 1:
            return " ".join(f"{rng.randint(0, 9999):04d}" for _ in range(4))
        if style == 2:
            return f"{rng.randint(1, 99_999_999):,}{rng.choice(('원', '', ' 원', '₩'))}"
        if style == 3:
            return self._corpus.date_text() + rng.choice(
                ("", f" {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}")
            )
        if style == 4:
            return self._corpus.phone()
        if style == 5:
            return f"{rng.randint(0, 999)}.{rng.randint(0, 99)}%"
        return "".join(rng.choices("0123456789-.,:/()", k=rng.randint(3, 14)))

    def _latin(self) -> str:
        words = self._rng.choices(self._english, k=self._rng.randint(1, 4))
        style = self._rng.randrange(4)
        if style == 0:
            words = [word.capitalize() for word in words]
        elif style == 1:
            words = [word.upper() for word in words]
        elif style == 2:
            words.append(str(self._rng.randint(1, 9999)))
        return " ".join(words)

    def _mixed(self) -> str:
        rng = self._rng
        parts = [
            rng.choice(self._korean),
            rng.choice(self._english).upper() if rng.random() < 0.5 else rng.choice(self._english),
            rng.choice(SYMBOLS),
            f"{rng.randint(1, 999)}{rng.choice(('개', '명', '회', 'EA', 'kg', '㎡', '%'))}",
            rng.choice("()[]:;,.-/~!?'\"@#&*+="),
        ]
        rng.shuffle(parts)
        return " ".join(parts[: rng.randint(2, 5)])

    def _short(self) -> str:
        pool = self._syllables + "0123456789" + SYMBOLS + "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        return "".join(self._rng.choices(pool, k=self._rng.randint(1, 2)))


@lru_cache(maxsize=1)
def _korean_words() -> tuple[str, ...]:
    """The 30,000 most frequent Korean words (the `wordfreq` package), Hangul only."""
    from wordfreq import top_n_list

    words = top_n_list("ko", 30000)
    return tuple(w for w in words if all("\uac00" <= c <= "\ud7a3" for c in w))


@lru_cache(maxsize=1)
def _english_words() -> tuple[str, ...]:
    from wordfreq import top_n_list

    return tuple(w for w in top_n_list("en", 20000) if w.isascii() and w.isalpha())


@lru_cache(maxsize=4096)
def _font(path: str, index: int, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size, index=index)


def render(
    text: str, font: tuple[str, int], size: int, rng: random.Random, min_margin: float = 0.05
) -> Image.Image:
    """`text` printed dark on light, character by character with the drawn letter spacing.

    The canvas leaves margins like a detector's crop: some above and below, a little at the
    ends.
    """
    face = _font(font[0], font[1], size)
    spacing = rng.choice((0.0, 0.0, 0.0, rng.uniform(-0.06, 0.1), rng.uniform(0.1, 0.6)))
    advances = [face.getlength(char) for char in text]
    width = int(sum(advances) + spacing * size * max(len(text) - 1, 0)) + 1
    margin_x = int(size * rng.uniform(min_margin, 0.5))
    top = int(size * rng.uniform(0.05, 0.35))
    height = int(size * rng.uniform(1.1, 1.5)) + top
    image = Image.new("L", (width + 2 * margin_x, height), 255)
    draw = ImageDraw.Draw(image)
    x = float(margin_x)
    for char, advance in zip(text, advances, strict=True):
        draw.text((x, top), char, font=face, fill=0)
        x += advance + spacing * size
    return image


def damage(image: Image.Image, rng: random.Random) -> np.ndarray:
    """A photographed, printed, scanned version of a clean line, as float ink in [0, 1]."""
    ink = 1.0 - np.asarray(image, dtype=np.float32) / 255.0
    ink = _neighbours(ink, rng)
    ink = _geometry(ink, rng)
    if rng.random() < 0.15:
        ink = np.maximum(ink, _rule(ink.shape, rng))
    if rng.random() < 0.08:
        ink = np.clip(ink + _seal(ink.shape, rng), 0, 1)
    return ink


def _neighbours(ink: np.ndarray, rng: random.Random) -> np.ndarray:
    """Slivers of the lines above and below, as a loose detector box cuts them in."""
    if rng.random() > 0.25:
        return ink
    height = ink.shape[0]
    sliver = int(height * rng.uniform(0.05, 0.2))
    strip = np.roll(ink, rng.randint(-ink.shape[1] // 3, ink.shape[1] // 3), axis=1)
    out = ink.copy()
    if rng.random() < 0.5:
        out[:sliver] = np.maximum(out[:sliver], strip[height - sliver :])
    else:
        out[height - sliver :] = np.maximum(out[height - sliver :], strip[:sliver])
    return out


def _geometry(ink: np.ndarray, rng: random.Random) -> np.ndarray:
    """Small rotation, shear and perspective, as a rectified photo crop keeps them."""
    import cv2

    height, width = ink.shape
    shear = rng.uniform(-0.25, 0.25) if rng.random() < 0.3 else 0.0
    angle = np.deg2rad(rng.uniform(-2.5, 2.5) if rng.random() < 0.5 else 0.0)
    squeeze = rng.uniform(-0.08, 0.08) * height if rng.random() < 0.3 else 0.0
    source = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float32)
    centre = np.array([width / 2, height / 2], dtype=np.float32)
    cos, sin = np.cos(angle), np.sin(angle)
    rotation = np.array([[cos, -sin], [sin, cos]], dtype=np.float32)
    target = (source - centre) @ rotation.T + centre
    target[:, 0] += shear * (target[:, 1] - height / 2)
    target[1, 1] += squeeze
    target[2, 1] -= squeeze
    if not (shear or angle or squeeze):
        return ink
    matrix = cv2.getPerspectiveTransform(source, target.astype(np.float32))
    return cv2.warpPerspective(ink, matrix, (width, height), flags=cv2.INTER_LINEAR)


def _rule(shape: tuple[int, ...], rng: random.Random) -> np.ndarray:
    """A table rule or dashed separator along the top or bottom of the crop."""
    rule = np.zeros(shape, dtype=np.float32)
    row = rng.choice((rng.randint(0, 2), shape[0] - 1 - rng.randint(0, 2)))
    rule[row, :] = 0.8
    if rng.random() < 0.4:
        period = rng.randint(4, 12)
        rule[row, (np.arange(shape[1]) // period) % 2 == 1] = 0
    return rule


def _seal(shape: tuple[int, ...], rng: random.Random) -> np.ndarray:
    """A ring of seal ink (red prints as mid grey) over part of the line."""
    height, width = shape
    radius = height * rng.uniform(0.6, 1.2)
    cx, cy = rng.uniform(0, width), rng.uniform(0, height)
    yy, xx = np.mgrid[0:height, 0:width]
    distance = np.hypot(xx - cx, yy - cy)
    ring = (np.abs(distance - radius) < max(1.5, radius * 0.08)).astype(np.float32)
    return ring * rng.uniform(0.25, 0.5)


def roughened(ink: np.ndarray, rng: random.Random) -> np.ndarray:
    """Ink as cheap printers and hand-held phones leave it: type condensed or widened (receipt
    and signage faces), heavier (bold headings, thermal print that bleeds), and motion blur
    along a random direction."""
    import cv2

    height, width = ink.shape
    if rng.random() < 0.5:
        stretch = rng.choice((rng.uniform(0.6, 0.9), rng.uniform(1.1, 1.4)))
        ink = cv2.resize(ink, (max(8, round(width * stretch)), height))
    if rng.random() < 0.35:
        weight = max(1, round(height * rng.uniform(0.015, 0.04)))
        ink = cv2.dilate(ink, np.ones((weight, weight), np.uint8))
    if rng.random() < 0.5:
        length = max(2, round(height * rng.uniform(0.03, 0.08)))
        kernel = np.zeros((length, length), np.float32)
        kernel[length // 2, :] = 1.0 / length
        turn = cv2.getRotationMatrix2D(((length - 1) / 2, (length - 1) / 2), rng.uniform(0, 180), 1)
        kernel = cv2.warpAffine(kernel, turn, (length, length))
        ink = cv2.filter2D(ink, -1, (kernel / max(float(kernel.sum()), 1e-6)).astype(np.float32))
    return ink


def photograph(ink: np.ndarray, rng: random.Random) -> np.ndarray:
    """Ink on paper under uneven light, blurred, at low resolution, JPEG-compressed: uint8."""
    import cv2

    height, width = ink.shape
    paper = rng.uniform(150, 255)
    ink_tone = rng.uniform(0, min(110, paper - 60))
    light: float | np.ndarray = 1.0
    if rng.random() < 0.4:  # a shadow or a fall-off of light across the line
        ramp = np.linspace(rng.uniform(0.45, 1.0), rng.uniform(0.8, 1.0), width, dtype=np.float32)
        light = ramp[None, :] if rng.random() < 0.5 else ramp[::-1][None, :]
    noise = np.random.default_rng(rng.getrandbits(32))
    cells = noise.normal(0, rng.uniform(1, 5), (max(2, height // 6), max(2, width // 6)))
    texture = cv2.resize(cells.astype(np.float32), (width, height), interpolation=cv2.INTER_CUBIC)
    grey = (paper + texture) * (1 - ink) + ink_tone * ink
    grey = grey * light
    if rng.random() < 0.1:  # light text on a dark band (slides, headers)
        grey = 255 - grey
    if rng.random() < 0.6:
        sigma = rng.uniform(0.3, 1.6) * height / 40
        grey = cv2.GaussianBlur(grey, (0, 0), sigma)
    if rng.random() < 0.4:
        factor = rng.uniform(0.35, 0.8)
        small = cv2.resize(grey, (max(1, int(width * factor)), max(1, int(height * factor))))
        grey = cv2.resize(small, (width, height), interpolation=cv2.INTER_LINEAR)
    grey = grey + noise.normal(0, rng.uniform(0, 8), grey.shape)
    out = np.clip(grey, 0, 255).astype(np.uint8)
    if rng.random() < 0.6:
        buffer = io.BytesIO()
        Image.fromarray(out).save(buffer, format="JPEG", quality=rng.randint(30, 90))
        out = np.asarray(Image.open(io.BytesIO(buffer.getvalue())).convert("L"))
    return out


def shrunk(grey: np.ndarray, size: int, rng: random.Random) -> np.ndarray:
    """A line printed at `size` px as it is once its page is scaled down to the detector's
    input: letters 9-16 px to the em (a Hangul syllable 8-14 px high), JPEG 30-60 at that
    size."""
    import cv2

    factor = rng.uniform(9, 16) / size
    if factor < 1:
        height, width = grey.shape
        small = (max(1, round(width * factor)), max(1, round(height * factor)))
        grey = cv2.resize(grey, small, interpolation=cv2.INTER_AREA)
    buffer = io.BytesIO()
    Image.fromarray(grey).save(buffer, format="JPEG", quality=rng.randint(30, 60))
    return np.asarray(Image.open(io.BytesIO(buffer.getvalue())).convert("L"))


class LineStream:
    """Line `i` of a seeded stream of damaged text lines."""

    def __init__(
        self,
        seed: int,
        fonts: tuple[tuple[str, int], ...] = TRAINING_FONTS,
        style: LineStyle = SHORT,
    ) -> None:
        self.seed = seed
        self.style = style
        self.fonts = tuple(font for font in fonts if Path(font[0]).is_file())
        if not self.fonts:
            raise FileNotFoundError(
                "no font of the set is installed: apt-get install "
                + " ".join(TRAINING_FONT_PACKAGES)
            )
        self._alphabet = JamoAlphabet()

    def line(self, index: int) -> TextLine:
        """The `index`th line: the same for the same seed, whatever was drawn before."""
        rng = random.Random(self.seed * 1_000_003 + index)
        texts = LineTexts(rng)
        text = texts.draw(self.style)
        while not self._alphabet.covers(text):
            text = texts.draw(self.style)
        font = rng.choice(self.fonts)
        size = rng.randint(18, 56)
        ink = damage(render(text, font, size, rng, self.style.min_margin), rng)
        if self.style.rough and rng.random() < self.style.rough:
            ink = roughened(ink, rng)
        grey = photograph(ink, rng)
        if self.style.low_resolution and rng.random() < self.style.low_resolution:
            grey = shrunk(grey, size, rng)
        return TextLine(grey, text, Path(font[0]).stem)
