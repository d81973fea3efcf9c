"""The case managers' desk: a web application over the tickets (see bot/desk/app.py)."""
