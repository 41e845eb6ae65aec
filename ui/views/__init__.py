"""The window's views. VIEWS names them in sidebar order (Ctrl+1..5), each with its sidebar
label; it is kept free of Qt so that the command line can check --view before the window loads."""

# "Record" and "Recording" read alike in the sidebar: the second is named by what it holds
VIEWS = {"record": "Record", "recording": "Meeting", "replies": "Replies", "history": "History", "settings": "Settings"}
