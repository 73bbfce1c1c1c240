"""Operations at scale: Prefect deployments, sharding, politeness limits across workers,
retention, health checks (``doctor``) and run notifications."""
