"""A validator for agent-skill folders: manifests, cross-checks, documented commands, host
dialects and inlined secrets. It never imports the OpenAI SDK and stays off the network."""
