"""Settings for techspec, by concern; every variable read once, typed, beside its default.

Defaults are production's: with nothing set, DEBUG is off, no server starts and no token
is signed without a SECRET_KEY (techspec_project/secret_key.py), migrations only verify
the Design Agent's tables, there is no toolbar, and the pool, statement timeout, HTTPS and
JSON logs are on. Development is one switch, DEBUG=true, turned on by the Makefile's development targets (`make run`,
`make test`, `make bench`, ...) and by the test settings (techspec_project/settings_test.py).
The README's configuration table lists every variable.

Each module imports the values it builds on (DEBUG and `env` from environment.py, SECRET_KEY
from security.py), so the order below is only alphabetical.
"""

from techspec_project.settings.api import *  # noqa: F403
from techspec_project.settings.core import *  # noqa: F403
from techspec_project.settings.database import *  # noqa: F403
from techspec_project.settings.environment import *  # noqa: F403
from techspec_project.settings.events import *  # noqa: F403
from techspec_project.settings.logs import *  # noqa: F403
from techspec_project.settings.security import *  # noqa: F403
from techspec_project.settings.staff import *  # noqa: F403
