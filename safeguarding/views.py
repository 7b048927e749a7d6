"""Views for safeguarding: fetch → form → service → redirect."""
