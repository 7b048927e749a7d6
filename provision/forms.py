"""Forms for provision: validation and crispy layout only; writes happen in services."""
