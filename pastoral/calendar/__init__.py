"""The school calendar: terms, closures and school days."""
