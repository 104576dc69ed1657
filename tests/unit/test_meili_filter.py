import pytest

from core.meili_filter import quote, quote_list


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Malmö", '"Malmö"'),
        ('x" OR region = "y', '"x\\" OR region = \\"y"'),
        ("a\\", '"a\\\\"'),
        ("O'Brien", '"O\'Brien"'),
        ('\\"', '"\\\\\\""'),
        ("", '""'),
        (12, "12"),
        (1.5, "1.5"),
        (True, "true"),
        (False, "false"),
    ],
)
def test_quote(value: str | int | float | bool, expected: str) -> None:
    assert quote(value) == expected


def test_quote_list() -> None:
    assert quote_list(["a", 'b"', 3]) == '["a", "b\\"", 3]'
    assert quote_list([]) == "[]"
