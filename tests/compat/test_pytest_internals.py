"""The private pytest API the plugin uses (pytest_internals.py) still behaves as assumed.

Each test fails with the installed pytest's version in its message: when a new pytest changes
one of these, this is where it shows, not in the middle of an audit.
"""
from __future__ import annotations

import gc
import sys

import pytest

from pytest_cis_aws import pytest_internals


CHANGED = f"pytest {pytest.__version__} changed what pytest_cis_aws/pytest_internals.py relies on"


def _excinfo() -> pytest.ExceptionInfo[BaseException]:
    def control():
        assert False, "IAM user alice has a console password and no MFA device"

    with pytest.raises(AssertionError) as info:
        control()
    return info


def test_failure_repr_is_what_getrepr_gives():
    excinfo = _excinfo()
    ours = pytest_internals.failure_repr(excinfo)
    theirs = excinfo.getrepr(style="value", tbfilter=False, chain=False)
    # getrepr may wrap the same parts in a chain of one (ExceptionChainRepr): what reports,
    # junitxml and xdist read are these parts.
    assert ours.reprtraceback.reprentries[0].lines == theirs.reprtraceback.reprentries[0].lines, (
        f"{CHANGED}: the failure's lines differ from getrepr's"
    )
    assert str(ours) == str(theirs), f"{CHANGED}: failure_repr renders differently from getrepr"
    assert (ours.reprcrash.path, ours.reprcrash.lineno, ours.reprcrash.message) == (
        theirs.reprcrash.path, theirs.reprcrash.lineno, theirs.reprcrash.message
    ), f"{CHANGED}: the crash location differs"


def test_fixture_info_is_the_functions_closure(pytester: pytest.Pytester):
    items = pytester.getitems("def test_a(tmp_path):\n    pass\n")
    try:
        info = pytest_internals.fixture_info(items[0])
    except AttributeError as error:
        pytest.fail(f"{CHANGED}: {error}")
    assert "tmp_path" in info.names_closure, f"{CHANGED}: a Function's fixture info lacks names_closure"


def test_phase_plugins_are_registered_under_these_names(pytester: pytest.Pytester):
    config = pytester.parseconfigure()
    missing = [name for name in pytest_internals.PHASE_PLUGINS if config.pluginmanager.get_plugin(name) is None]
    assert not missing, f"{CHANGED}: no plugin registered as {', '.join(missing)}"


def test_import_test_module_gives_pytests_own_module(pytester: pytest.Pytester):
    pytester.makepyfile(**{"pkg/__init__.py": "", "pkg/test_mod.py": "def test_a():\n    pass\n"})
    config = pytester.parseconfigure(pytester.path)
    try:
        module = pytest_internals.import_test_module(config, pytester.path / "pkg" / "test_mod.py")
    except TypeError as error:
        pytest.fail(f"{CHANGED}: import_path's signature: {error}")
    assert sys.modules.get(module.__name__) is module
    # pytest's collection of the same file reuses that module object, under the same name.
    items, _ = pytester.inline_genitems(str(pytester.path / "pkg" / "test_mod.py"))
    assert items[0].module is module, f"{CHANGED}: collection imported the file again ({items[0].module.__name__})"


def test_a_released_item_keeps_its_identity(pytester: pytest.Pytester):
    items = pytester.getitems(
        "import pytest\n@pytest.mark.filterwarnings('default')\n@pytest.mark.parametrize('x', [1])\n"
        "def test_a(x):\n    pass\n"
    )
    item = items[0]
    nodeid, location, size = item.nodeid, item.location, sys.getsizeof(vars(item))
    pytest_internals.release_request(item)  # as the control runner does, once the item has run
    pytest_internals.release_ran_item(item)
    # Replaced, never deleted: the item's attributes stay in its class's shared key table.
    assert sys.getsizeof(vars(item)) <= size, f"{CHANGED}: a released item's attributes take more room"
    assert (item.nodeid, item.location, item.name) == (nodeid, location, "test_a[1]"), f"{CHANGED}: identity lost"
    # What pytest and its plugins may still ask of an item that has run answers, empty.
    assert item.get_closest_marker("filterwarnings") is None and "filterwarnings" not in item.keywords, CHANGED
    assert item.callspec.params == {} and item.callspec.id == "" and list(item.iter_markers()) == [], CHANGED
    # Nothing left in the item's own attributes refers back to it: freed without a collection.
    own = [value for name, value in vars(item).items() if name not in ("parent", "session", "config")]
    assert not any(item in gc.get_referents(value) for value in own), f"{CHANGED}: a cycle through the item is left"
