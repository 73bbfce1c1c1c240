"""Storage: ORM entities, engine/session handling and migrations."""
