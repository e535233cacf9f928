"""Where static files come from: the apps' static folders, less what is no part of the site.

The exportpdf plugin of CKEditor (switched off in CKEDITOR_CONFIGS) ships its
test suite among the editor's static files, fourteen HTML pages with inline
scripts for CKEditor's own test runner among it. This finder neither lists
(collectstatic) nor finds (runserver) anything under ``LEFT_OUT``, so those
pages are never collected or served.
"""

from django.contrib.staticfiles import finders
from django.contrib.staticfiles.utils import matches_patterns

# Paths as the static URL names them, fnmatch patterns (``*`` also crosses folders).
LEFT_OUT = ["ckeditor/ckeditor/plugins/exportpdf/tests/*"]


class AppDirectoriesFinder(finders.AppDirectoriesFinder):
    def list(self, ignore_patterns):
        yield from super().list([*(ignore_patterns or []), *LEFT_OUT])

    def find_in_app(self, app, path):
        if matches_patterns(path, LEFT_OUT):
            return None
        return super().find_in_app(app, path)
