def register(sub) -> None:
    """`kefu customers …` is added by the customers capability."""
