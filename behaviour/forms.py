"""Forms for behaviour: validation and crispy layout only; writes happen in services."""
