"""Pupils and the pupil import: UPNs, the pupil picker, CSV import."""
