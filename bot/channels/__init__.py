"""Input and output channels (registered in credentials.yml)."""
