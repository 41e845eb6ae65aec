"""Confide's own files, shipped as this package's data: the style sheet, the icons, the desktop
entry, the models' licences and the self-test's speech clip. Read them with ui.resources, which
finds them in a checkout, an installed wheel and the PyInstaller bundle alike."""
