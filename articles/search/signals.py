"""Keep the search index current (connected from ArticlesConfig.ready)."""
