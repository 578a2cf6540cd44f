def register(sub) -> None:
    """Subcommands of this app are added by its capability."""
