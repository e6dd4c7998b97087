"""Accounts: the custom user (e-mail login), its link to a person of the register, API tokens, MFA rule."""
