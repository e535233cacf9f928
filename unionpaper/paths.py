"""The site's path prefixes, and what each rule does with them.

Every rule that treats part of the site differently (page cache, read
replica, robots.txt) reads its prefixes from here, so a new area is added
once and every rule agrees on it.
"""

ADMIN = "/admin/"
EDITOR_UPLOADS = "/ckeditor/"
HEALTH = "/health/"
MEDIA = "/media/"
STATIC = "/static/"
SEARCH = "/search/"

# Editors' pages and uploads: staff only, and an editor must read what was just saved.
STAFF = (ADMIN, EDITOR_UPLOADS)

# Reads that must see the latest writes at once: never sent to a lagging replica.
PRIMARY_ONLY_PREFIXES = (*STAFF, HEALTH)

# Never stored in the public page cache: the above, and files, which carry their own cache headers.
UNCACHED_PREFIXES = (*PRIMARY_ONLY_PREFIXES, MEDIA, STATIC)

# Not for crawlers: staff pages, and search results, endless combinations of the same articles.
ROBOTS_DISALLOW = (*STAFF, SEARCH)
