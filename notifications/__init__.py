"""Channels and message templates: the only code that talks SMTP or HTTP."""
