"""The PySide6 front end and the `confide` entry point."""
