"""What a password must be: long enough, and not guessable by zxcvbn (Dropbox's estimator, which ships the
commonest passwords of public breaches, English words, names, keyboard patterns, dates and repeats).

Checked wherever a password is set (`voxpop user create`, the demo's admin, any new password), never when one
is typed to sign in. A password needs a zxcvbn score of 3 ("safely unguessable": about 10^8 guesses or more),
with the user's own email and name counted as known words."""

from __future__ import annotations

from zxcvbn import zxcvbn

from voxpop.kit.errors import Invalid, Problem

MIN_CHARS = 10
MAX_CHARS = 1024
MIN_SCORE = 3
ZXCVBN_MAX_CHARS = 72  # zxcvbn refuses longer input; past 72 characters a password is not guessable anyway


def check(password: str, email: str = "", name: str = "") -> None:
    """Refuse the password with the precise reason, or return."""
    problem = _problem(password, [email, email.partition("@")[0], name, "voxpop"])
    if problem is not None:
        raise Invalid("password refused", [Problem(problem, field="password")])


def _problem(password: str, known_words: list[str]) -> str | None:
    if len(password) < MIN_CHARS:
        return f"use at least {MIN_CHARS} characters"
    if len(password) > MAX_CHARS:
        return f"use at most {MAX_CHARS} characters"
    estimate = zxcvbn(password[:ZXCVBN_MAX_CHARS], user_inputs=[w for w in known_words if w])
    if estimate["score"] >= MIN_SCORE:
        return None
    feedback = estimate["feedback"]
    why = feedback["warning"] or "it follows a common pattern"
    advice = " ".join(feedback["suggestions"]) or "Use a few uncommon words."
    return f"is too easy to guess: {why.rstrip('.')}. {advice}"
