"""Exceptions raised by boilerstrip.

Every error carries a one-line message meant to be shown to a user as it is:
it names the file, the line and the rule (for rule files) or the file and the
byte offset (for input text).
"""

from __future__ import annotations


class BoilerstripError(Exception):
    """Base class of every error boilerstrip raises on purpose."""


class RuleError(BoilerstripError):
    """A rule file or a rule is invalid.

    ``str(error)`` is a single line ``FILE:LINE: RULE-ID: message`` (the parts
    that are unknown are left out).
    """

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None,
                 rule_id: str | None = None) -> None:
        self.message = message
        self.path = path
        self.line = line
        self.rule_id = rule_id
        super().__init__(self.format())

    def format(self) -> str:
        where = ""
        if self.path is not None:
            where = str(self.path) + (f":{self.line}" if self.line is not None else "") + ": "
        rid = f"{self.rule_id}: " if self.rule_id else ""
        return f"{where}{rid}{self.message}".replace("\n", " ")


class InputError(BoilerstripError):
    """Input text cannot be cleaned (not UTF-8, binary, unreadable...)."""


class ConfigError(BoilerstripError):
    """Invalid options or configuration file.

    ``option`` names the option whose value is wrong, when one is
    (``language``): the command line then says where that value came from,
    its flag or the configuration file and key.
    """

    def __init__(self, message: str, option: str | None = None) -> None:
        super().__init__(message)
        self.option = option
