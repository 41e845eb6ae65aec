"""The five views of the window, one module each."""
