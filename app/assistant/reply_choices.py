"""The tones and lengths a user can ask reply drafts in: the command line's choices and the
drafter's own, without loading the drafter."""

TONES = ("friendly", "neutral", "formal")
LENGTHS = ("short", "medium", "long")
