"""The checks of `just k8s-check`, one concern a module."""
