"""Who said what: voices told apart in a recording and laid onto its transcript."""
