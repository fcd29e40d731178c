"""The organiser space (/espace-organisateur/)."""
