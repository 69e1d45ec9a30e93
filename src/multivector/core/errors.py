"""Exceptions raised by multivector; each names the file, row and value at fault."""

from __future__ import annotations


class MultivectorError(Exception):
    """Base class of every error multivector raises on purpose."""


class SourceError(MultivectorError):
    """A source file is missing, corrupt or not what the registry pins."""


class ChecksumError(SourceError):
    """A file's sha256 differs from the pinned one."""


class ParseError(MultivectorError):
    """A source file does not have the published format the parser knows.

    Parameters
    ----------
    file : str
        The file being parsed.
    message : str
        What is wrong.
    row : int or str, optional
        Row (1-based as a user would count it in a spreadsheet or text editor) or record.
    value : object, optional
        The offending value.
    """

    def __init__(self, file: str, message: str, row: int | str | None = None, value: object = None):
        self.file, self.row, self.value = file, row, value
        where = f"{file}" + (f", row {row}" if row is not None else "")
        what = f": {message}" + (f" (value: {value!r})" if value is not None else "")
        super().__init__(where + what)
        self.message = message

    def __reduce__(self):  # picklable across worker processes
        return (type(self), (self.file, self.message, self.row, self.value))


class DataTableError(ParseError):
    """A row of a maintained data table (a packaged one, or a user's of the same form) breaks a rule
    of the table: a bad code, date or status, a missing source, overlapping spells.

    Raised with the file, the row (as a spreadsheet numbers it: the header is row 1) and the value
    at fault.
    """


class WarehouseUnusableError(MultivectorError):
    """The file at the warehouse path cannot be read as this version's warehouse: corrupt,
    empty, built by another schema version, or held by a process writing it."""


class BuildError(MultivectorError):
    """A build or write stopped for a reason outside the data (disk full, no permission, a
    signal); the previous warehouse is left as it was."""


class UnknownCountryError(MultivectorError):
    """A country code or name that multivector cannot resolve."""


class WarehouseMissingError(MultivectorError):
    """The warehouse has not been built yet."""


class OptionError(MultivectorError):
    """An option (a number, a year range, a pole set, a path) a user or a caller gave that is
    outside what it can be: the message names the option, the rule and the value."""


class PoleFileError(MultivectorError):
    """A pole-set file (TOML) that breaks a rule of the form: names the file, the pole and the
    value at fault."""

    def __init__(self, file: str, message: str, pole: str | None = None,
                 value: object = None):
        self.file, self.pole, self.value, self.message = file, pole, value, message
        text = file + (f", pole {pole!r}" if pole is not None else "") + f": {message}"
        if value is not None:
            text += f" (value: {value!r})"
        super().__init__(text)

    def __reduce__(self):
        return (type(self), (self.file, self.message, self.pole, self.value))
