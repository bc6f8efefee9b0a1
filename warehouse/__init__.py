"""DuckDB warehouse: schema, migrations, views and the store."""

import importlib.util
import sys

# DuckDB's Python client tries `import pandas` twice for every element of a list bound as
# a parameter (`unnest(?)` of a batch's ids). Without pandas installed, each try searches
# every entry of sys.path again: 50 ms for a list of 200 ids, a tenth of a batch's store
# time. None in sys.modules is how Python itself records a module as absent: the tries then
# fail at once, as `import pandas` would anyway. Nothing changes where pandas is installed.
if "pandas" not in sys.modules and importlib.util.find_spec("pandas") is None:
    sys.modules["pandas"] = None
