"""Behaviour and physical interventions records. Models arrive with this area's issue."""
