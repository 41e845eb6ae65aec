"""Commands of this group are added by the issue that builds them."""


def register(subparsers) -> None:
    return None
