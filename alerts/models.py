"""E-mail alerts on a programme selection."""
