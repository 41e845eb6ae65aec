"""The application core: tasks, prompts, recorder, history, settings, paths, the bridge, the CLI."""
