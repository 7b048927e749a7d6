"""Views for behaviour: fetch → form → service → redirect."""
