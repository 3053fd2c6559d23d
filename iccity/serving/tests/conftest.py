import pytest

from . import servers


@pytest.fixture(scope="session")
def production_var(tmp_path_factory):
    """A var directory for production-mode processes, with collected (hashed, compressed) static files, once per run."""
    var = tmp_path_factory.mktemp("production-var")
    servers.collectstatic(servers.production_env(var, DATABASE_URL="sqlite:///:memory:"))
    return var


@pytest.fixture
def launched(tmp_path):
    """Start processes through this list; each is stopped by its own PID at the end of the test."""
    processes = []
    yield processes
    for process in reversed(processes):
        servers.stop(process)
