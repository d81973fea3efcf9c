"""Language detection and the choice of reply language."""
