"""Keeping the record (regulation п. 6, 7.1): retention of electronic records, the paper archive,
and backups."""
