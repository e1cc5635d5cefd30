"""How two readings of one line combine (no model): stretch by stretch, the surer reader's."""

from __future__ import annotations

from workers.engines.text.recognition import LineReading, Piece
from workers.pipelines.general.second_opinion import surer_by_stretch


def reading(*words: tuple[str, float], name: str = "model") -> LineReading:
    pieces = [
        Piece(text, confidence, (10.0 * i, 0.0, 10.0 * i + 8, 20.0))
        for i, (text, confidence) in enumerate(words)
    ]
    return LineReading.from_pieces(pieces, name)


def test_each_stretch_the_two_read_differently_goes_to_the_reader_surer_of_it() -> None:
    model = reading(("대한물산빌팀", 0.5), ("전화", 0.99), ("02-9651-5026", 0.99))
    tesseract = reading(("대한물산빌딩", 0.9), ("전화", 0.9), ("02-9651-5028", 0.95),
                        name="tesseract")  # fmt: skip
    combined = surer_by_stretch(model, tesseract)
    assert combined.text == "대한물산빌딩 전화 02-9651-5026"
    assert [word.confidence for word in combined.words] == [0.9, 0.99, 0.99]
    assert [piece.text for piece in combined.pieces] == combined.text.split()


def test_one_unsure_word_no_longer_hands_the_whole_line_over() -> None:
    # A certificate's label read unsurely by both made the model's line a little less sure
    # than Tesseract's, whose date was wrong but read at 0.97: the line used to go to
    # Tesseract whole.
    model = reading(("개업연월일", 0.62), (":", 0.98), ("2007", 1.0), ("년", 0.98), ("01", 0.9))
    tesseract = reading(("개업연월일", 0.56), (":200701", 0.97), ("년", 0.96), ("01", 1.0),
                        name="tesseract")  # fmt: skip
    assert tesseract.confidence > model.confidence
    assert surer_by_stretch(model, tesseract) is model


def test_the_second_reader_replaces_a_stretch_only_when_clearly_surer_of_it() -> None:
    # The same certificate read by boda_korean_rec_v5: its `년01` at 0.95 lost the stretch to
    # Tesseract's wrong `:200701` at 0.96 without a margin.
    model = reading(("개업연월일", 0.74), (":", 0.99), ("2007", 1.0), ("년01", 0.95), ("월", 0.99))
    tesseract = reading(("개업연월일", 0.56), (":200701", 0.97), ("년", 0.96), ("01", 1.0),
                        ("월", 0.97), name="tesseract")  # fmt: skip
    assert surer_by_stretch(model, tesseract).text == "개업연월일 : 2007 년01 월"
    clearly = reading(("개업연월일", 0.56), (":200701", 0.99), ("년", 0.98), ("01", 1.0),
                      ("월", 0.97), name="tesseract")  # fmt: skip
    assert surer_by_stretch(model, clearly).text == "개업연월일 :200701 년 01 월"


def test_words_only_one_reader_read_follow_the_surer_line() -> None:
    first = reading(("합계", 0.9), ("금액", 0.6))
    second = reading(("합계", 0.95), ("금액", 0.99), ("12,300원", 0.99), name="tesseract")
    assert surer_by_stretch(first, second) is second
    assert surer_by_stretch(second, first) is second


def test_the_same_words_keep_the_first_reading() -> None:
    first = reading(("서울특별시", 0.8), ("중구", 0.7))
    second = reading(("서울특별시", 0.99), ("중구", 0.99), name="tesseract")
    assert surer_by_stretch(first, second) is first
