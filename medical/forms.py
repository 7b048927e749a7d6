"""Forms for medical: validation and crispy layout only; writes happen in services."""
