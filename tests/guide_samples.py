"""The guide's own sample scripts, cut from the guide text by line range (tests/fixtures/guide-samples/).

A sample is the code blocks between its first and last line: fence lines and the prose between blocks
(margin notes such as 「JAPI or JMGC を インストールした 場合のみ」) become empty lines, so line k of a fixture
is guide line START + k - 1. The guide renders the backslash as ¥; the fixtures hold it as a cluster
would (\\), in CP932 with CRLF line ends, as Notepad on Japanese Windows saves a script.

`python tests/guide_samples.py` writes the fixtures again; tests/test_audit.py checks they match the guide.
"""
from __future__ import annotations

from pathlib import Path

GUIDE = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "000_68f8a06b3ca39699.txt"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "guide-samples"

#: name -> (product, role, first line, last line): the guide's samples, first line = the opening fence.
SAMPLES = {
    "servermanager-start": ("servermanager", "start", 828, 964),
    "servermanager-stop": ("servermanager", "stop", 982, 1118),
    "jmss-rl199909-start": ("jmss", "start", 1757, 1928),
    "jmss-rl199909-stop": ("jmss", "stop", 1950, 2127),
    "jmss-rl199906-start": ("jmss", "start", 2135, 2300),
    "jmss-rl199906-stop": ("jmss", "stop", 2308, 2445),
    "jmss-two-way-stop": ("jmss", "stop", 2514, 2639),
    "filetransfer-start": ("filetransfer", "start", 2820, 2843),
    "filetransfer-stop": ("filetransfer", "stop", 2847, 2866),
    "deliverymanager-start": ("deliverymanager", "start", 3174, 3222),
    "deliverymanager-agent-start": ("deliverymanager", "start", 3228, 3256),
    "deliverymanager-stop": ("deliverymanager", "stop", 3262, 3284),
    "deliverymanager-agent-stop": ("deliverymanager", "stop", 3288, 3310),
    "clientmanager-start": ("clientmanager", "start", 5988, 6118),
    "clientmanager-stop": ("clientmanager", "stop", 6122, 6231),
    "netvisor-start": ("netvisor", "start", 8029, 8233),
    "netvisor-stop": ("netvisor", "stop", 8237, 8421),
    "netvisorpro-start": ("netvisorpro", "start", 8689, 9051),
    "netvisorpro-stop": ("netvisorpro", "stop", 9055, 9345),
    # BOM's samples break off (<中略>, <後略>); L7759, the FAILOVER switch-off, stands outside the code blocks
    "bom-start": ("bom", "start", 7604, 7687),
    "bom-stop": ("bom", "stop", 7695, 7766),
}


def guide_lines() -> list[str]:
    return GUIDE.read_text(encoding="utf-8").split("\n")


def cut(first: int, last: int) -> list[str]:
    """Guide lines first..last, code only: lines outside ``` blocks and the fences themselves left empty."""
    lines = guide_lines()
    out, inside = [], False
    for n in range(first, last + 1):
        text = lines[n - 1]
        if text.strip().startswith("```"):
            inside = not inside
            out.append("")
            continue
        out.append(text.rstrip().replace("¥", "\\") if inside else "")
    return out


def fixture_path(name: str) -> Path:
    first = SAMPLES[name][2]
    return FIXTURES / f"{name}-L{first}.bat"


def content(name: str) -> bytes:
    _, _, first, last = SAMPLES[name]
    return ("\r\n".join(cut(first, last)) + "\r\n").encode("cp932")


def write_all() -> list[Path]:
    FIXTURES.mkdir(parents=True, exist_ok=True)
    written = []
    for name in SAMPLES:
        path = fixture_path(name)
        path.write_bytes(content(name))
        written.append(path)
    return written


if __name__ == "__main__":
    for p in write_all():
        print(p)
