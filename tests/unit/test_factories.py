from indexer.feed import organisation_number_is_valid
from tests.factories import organisation_number


def test_organisation_numbers_made_for_tests_are_valid() -> None:
    for first_nine in ("556677889", "802002438", "559123456"):
        number = organisation_number(first_nine)
        assert organisation_number_is_valid(number), number
        assert not organisation_number_is_valid(number[:-1] + str((int(number[-1]) + 1) % 10))
