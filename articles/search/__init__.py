"""Archive search: exact-recall Chinese full-text search (see docs/search.md)."""
