"""Small helpers for the sentences careerfolio prints."""


def count(number: int, noun: str) -> str:
    """`1 entry`, `3 entries`: a number with its noun in the right form."""
    if number == 1:
        return f"1 {noun}"
    plural = noun[:-1] + "ies" if noun.endswith("y") else noun + "s"
    return f"{number} {plural}"
