"""Session setup shared by every test module."""
import atexit
import os
import shutil
import tempfile

# ppguide keeps checked products and compiled templates in a cache folder (lib/ppguide/disk_cache.py). The
# tests use a new one, so they start from nothing and never read or fill the user's own; the processes they
# start (CLI runs, notebook kernels, batch workers) inherit it. It is removed when the session ends.
_CACHE = tempfile.mkdtemp(prefix="ppguide-test-cache-")
os.environ["PPGUIDE_CACHE"] = _CACHE
atexit.register(shutil.rmtree, _CACHE, ignore_errors=True)
