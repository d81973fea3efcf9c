"""Custom actions, one module per feature; rasa-sdk discovers every submodule of this package."""
