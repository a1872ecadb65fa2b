"""Local stand-ins for the chat platforms, so channel tests never leave 127.0.0.1."""
