"""What the guide forbids is refused (issue 9): expected values from the guide's lines."""
from __future__ import annotations

import pytest

from ppguide.errors import ParameterError
from facts import evaluate


@pytest.mark.parametrize("pid,scenario", [("servermanager", "fresh"), ("servermanager", "failover_ready"),
                                          ("jmss", "fresh")])
def test_install_dir_on_the_switch_drive_is_refused(pid, scenario):
    """ServerManager L551: never install on the switch partition; JMSS L1277: install on the local disk."""
    with pytest.raises(ParameterError) as err:
        evaluate(pid, {"scenario": scenario, "switch_drive": "X:", "install_dir": r"x:\esmpro"})
    assert err.value.parameters == ["install_dir"]


@pytest.mark.parametrize("pid", ["servermanager", "jmss"])
def test_install_dir_on_a_local_drive_is_accepted(pid):
    evaluate(pid, {"switch_drive": "X:", "install_dir": r"D:\esmpro"})
