import pytest

from zachetka.core import snils


@pytest.mark.parametrize(
    ("raw", "digits"),
    [
        ("112-233-445 95", "11223344595"),  # sum 95: the check number is the sum
        ("112-855-899 74", "11285589974"),  # sum 175: 175 mod 101 = 74
        ("11223344595", "11223344595"),
        (" 112 233 445 95 ", "11223344595"),
        ("001-001-998 00", "00100199800"),  # up to 001-001-998 no checksum applies
    ],
)
def test_valid_numbers_are_normalised(raw, digits):
    assert snils.normalize(raw) == digits


@pytest.mark.parametrize("raw", ["112-233-445 96", "112-855-899 75", "11223344594"])
def test_wrong_check_number_is_refused(raw):
    with pytest.raises(snils.SnilsError, match="контрольная сумма"):
        snils.normalize(raw)


@pytest.mark.parametrize("raw", ["", "123", "112-233-445 9", "112-233-445 955", "11a-233-445 95"])
def test_wrong_shape_is_refused(raw):
    with pytest.raises(snils.SnilsError, match="11 цифр"):
        snils.normalize(raw)


@pytest.mark.parametrize(
    ("prefix", "check"),
    [
        ("100018999", 0),  # weighted sum 100 → 00
        ("100019899", 0),  # weighted sum 101 → 00
        ("105889582", 0),  # weighted sum 201: remainder 100 → 00
        ("100999831", 74),  # weighted sum 175 → 175 mod 101
        ("112233445", 95),  # weighted sum 95 → 95
    ],
)
def test_checksum_rule(prefix, check):
    assert snils.checksum(prefix) == check
    assert snils.is_valid(f"{prefix}{check:02d}")


def test_display_format():
    assert snils.format_snils("11223344595") == "112-233-445 95"
    assert snils.format_snils("") == ""


def test_with_checksum_builds_valid_numbers():
    for prefix in ("123456789", "987654321", "555666777"):
        assert snils.is_valid(snils.with_checksum(prefix))
