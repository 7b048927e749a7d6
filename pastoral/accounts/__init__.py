"""Accounts and roles: sign-in, two-factor, passwords, staff roles and who may see what."""
