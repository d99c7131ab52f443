"""The one way a landed file fails as a whole."""


class FileRejected(Exception):
    """The whole file is rejected; ``str(exc)`` is the reason recorded in the audit."""
