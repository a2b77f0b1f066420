"""Users, roles, badges, API tokens for people, devices and integrations."""
