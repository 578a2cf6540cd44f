def register(sub) -> None:
    """`kefu demo` is added by the demo capability."""
