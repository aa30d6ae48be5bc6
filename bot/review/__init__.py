"""Analysts in the loop: reviewers confirm, dismiss or correct what the bot reported.

``actions``: the buttons an alert carries and their ids; ``values``: what a reviewer may type;
``cards``: what a decision shows in chat; ``decide``: what a decision does (facts, the evidence
ledger, the audit trail, the alert's follow-up), in one transaction.
"""
