"""The system of record and the domain rules: no Prefect, no I/O beyond the database session."""
