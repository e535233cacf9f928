"""URLs of archive search."""
app_name = "search"

urlpatterns = []
