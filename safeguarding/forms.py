"""Forms for safeguarding: validation and crispy layout only; writes happen in services."""
