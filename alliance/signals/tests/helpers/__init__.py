"""Shared by the signals tests (not test modules): evidence built in memory (evidence.py), rows
stored through the services (stored.py), and flags and ruptures written for the clinic pages
(clinic.py)."""
