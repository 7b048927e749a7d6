"""Support plans and alternative provision records. Models arrive with this area's issue."""
