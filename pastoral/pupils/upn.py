"""Unique Pupil Number (UPN) check letter, as defined by the DfE.

A UPN is 13 characters: a check letter, then 12 characters of which the
first 11 are digits and the last is a digit or, for a temporary UPN, a letter.
The check letter is the weighted sum of characters 2–13 (weights 2–13)
modulo 23, mapped onto the 23 letters that exclude I, O and S.
"""

from django.core.exceptions import ValidationError

LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"


def _value(char):
    if char.isdigit():
        return int(char)
    return LETTERS.index(char)


def upn_check_letter(body):
    """The check letter for the 12 characters after it."""
    total = sum(_value(char) * weight for weight, char in enumerate(body, start=2))
    return LETTERS[total % 23]


def upn_problem(upn):
    """None if the UPN is valid, otherwise a sentence saying what is wrong."""
    upn = (upn or "").strip().upper()
    if len(upn) != 13:
        return f"A UPN has 13 characters; this one has {len(upn)}."
    first, body = upn[0], upn[1:]
    if first not in LETTERS:
        return "A UPN starts with a check letter (not I, O or S)."
    if not body[:11].isdigit():
        return "Characters 2 to 12 of a UPN must be digits."
    if not (body[11].isdigit() or body[11] in LETTERS):
        return "The last character of a UPN must be a digit, or a letter for a temporary UPN."
    expected = upn_check_letter(body)
    if first != expected:
        return (
            f"The check letter does not match the rest of the UPN (expected {expected}); check it was typed correctly."
        )
    return None


def validate_upn(value):
    problem = upn_problem(value)
    if problem:
        raise ValidationError(problem, code="invalid_upn")


def make_upn(la_code, establishment, year, serial):
    """Build a valid permanent UPN (used by the demo data and tests)."""
    body = f"{la_code:03d}{establishment:04d}{year % 100:02d}{serial:03d}"
    return upn_check_letter(body) + body
