"""What every layer above the domain shares at run time: the settings, the database of this process,
Prefect's environment, and the sample plan and directory — below everything that uses them, above models."""
