"""Views for medical: fetch → form → service → redirect."""
