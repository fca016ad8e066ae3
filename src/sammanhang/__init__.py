"""Sammanhang: find a social context in a Swedish municipality."""

__version__ = "0.1.0"
