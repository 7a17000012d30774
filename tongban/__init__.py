"""Tongban (通办): one-stop government services and regulation, end to end."""

__version__ = "0.1.0"
