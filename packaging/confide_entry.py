"""The bundle's entry point: the same `confide` as `ui.main:main`."""

import sys

from ui.main import main

if __name__ == "__main__":
    sys.exit(main())
