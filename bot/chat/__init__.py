"""Chat: transport-neutral command handlers and the Slack and Discord adapters."""
