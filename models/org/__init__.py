"""Organizations, their agencies and people, the directory that names them, and who receives what."""
