"""Chasing: the escalation sweep and each organization's policy (reminders before deadlines, escalation after),
and the messages that could not be delivered, shown to the secretariat."""
