"""Simulated therapy practices for measuring the signals engine, kept out of the product package.

The scenarios here are calibrated to published effect sizes (``calibrated``) or deliberately built
on different assumptions (``contrary``), never to the engine's rules: their authors did not read
the rules. ``calibration`` measures what a generated practice realises; ``report`` prints it.
"""
