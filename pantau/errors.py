"""Base class for errors whose message is meant for the user (printed without traceback)."""


class PantauError(Exception):
    pass
