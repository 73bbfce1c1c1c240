"""Command line (Typer + Rich). One module per command group, registered in ``main.py``."""
