"""The socket guard that every test runs under really fails a test that reaches the network."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]


def test_a_connection_off_the_machine_fails_the_test(pytester):
    """A test whose code connects to a non-loopback address fails, even if the code swallows the error."""
    here = Path(__file__).parent
    pytester.makeconftest((here / "conftest.py").read_text())
    pytester.makepyfile(support=(here / "support.py").read_text())
    pytester.makepyfile(
        """
        import socket

        def test_leaks():
            try:
                socket.create_connection(("192.0.2.1", 80), timeout=0.5)
            except Exception:
                pass  # code that hides the failure still fails the test
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*tried to reach the network*192.0.2.1*"])


def test_loopback_is_allowed(no_network):
    """Connections to this machine itself (loopback) are not network use."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    client = socket.create_connection(server.getsockname(), timeout=5)
    client.close()
    server.close()
    assert no_network.attempts == []


def test_name_lookups_of_remote_hosts_are_caught(no_network):
    """Resolving a remote host name already counts as an attempt to go online."""
    with pytest.raises(AssertionError):
        socket.getaddrinfo("pypi.org", 443)
    assert no_network.attempts
    no_network.attempts.clear()  # expected here: keep this test itself green
