"""Tickets for the handoff to case managers: storage, routing, notifications, data protection.

Modules: `vocab` (ids and German labels), `models` (tables), `db` (engine, units of work,
migrations), `contact` (validation), `repository` (what the intake, the desk and the relay call),
`accounts` (desk logins), `summary` (German summary), `routing` (teams), `notify` (team
notifications), `relay` (the desk's messages to the person), `privacy` (retention and deletion).
Nothing here touches a database at import.
"""
