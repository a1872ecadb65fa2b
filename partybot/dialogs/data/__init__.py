"""Packaged data: the intent phrases and the common-questions catalogue (TOML)."""
