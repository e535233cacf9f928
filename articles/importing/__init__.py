"""Import of archive files: decoding, the article text grammar, and the import service."""
