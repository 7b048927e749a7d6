"""Medical care records. Models arrive with this area's issue."""
