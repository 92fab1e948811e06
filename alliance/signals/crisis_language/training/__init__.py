"""How the crisis classifier is trained: templates, a seeded generator, and the training script."""
