"""Views for provision: fetch → form → service → redirect."""
