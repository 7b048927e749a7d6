"""Reads for provision: one `<thing>_visible_to(user)` per model, used by every list, search, export and task."""
