"""Column layouts of the supported ad platforms' exports."""
