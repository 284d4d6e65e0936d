"""The Slack front: the slash-command grammar and Block Kit answers (the only place slack_sdk is imported)."""
