"""Export of the whole paper to an open archive folder, and its exact restore."""
