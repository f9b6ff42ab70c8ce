"""Pictures of the error: `dmcheck verify --plot FILE.svg` (the library's SVG
writer, no dependency) and dmcheck.Result.plot() (matplotlib, when Debian's
python3-matplotlib is installed; skipped with a message otherwise)."""
import xml.etree.ElementTree as ET

import numpy as np
import pytest

import dmcheck
from conftest import CLI
from test_baseline import moved, npz, run  # noqa: F401 (CLI: the program run() uses)

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def exact():
    return dmcheck.ref("sched_linear")["alphabar"]


def test_cli_plot_svg(tmp_path, exact):
    base = tmp_path / "base.txt"
    run(npz(tmp_path / "old.npz", moved(exact, r3=2, r7=40)), "--save-baseline", base)
    p = run(npz(tmp_path / "new.npz", moved(exact, r3=2, r9=3)), "--baseline", base, "--plot", tmp_path / "e.svg")
    assert p.returncode == 1, p.stderr  # row 9 newly over budget
    root = ET.parse(tmp_path / "e.svg").getroot()  # well-formed
    circles = root.findall(SVG + "circle")
    red = [c for c in circles if c.get("fill") == "#d62728"]
    grey = [c for c in circles if c.get("fill") == "#aaaaaa"]
    assert len(circles) == 2 * exact.size and len(grey) == exact.size and len(red) == 2  # rows 3 and 9
    texts = [t.text for t in root.iter(SVG + "text")]
    assert any("sched_linear alphabar: ULP error in float64, max 3, 2 of %d rows over budget 1 (grey: baseline)"
               % exact.size == t for t in texts)
    assert "budget 1" in texts
    # rows 3 and 9 above the budget line: smaller y is higher
    budget_y = float([ln for ln in root.findall(SVG + "line") if ln.get("stroke") == "#ff7f0e"][0].get("y1"))
    assert all(float(c.get("cy")) < budget_y for c in red)
    p = run(npz(tmp_path / "x.npz", exact), "--plot", tmp_path / "e.pdf")
    assert p.returncode == 2 and "the CLI draws SVG" in p.stderr and not (tmp_path / "e.pdf").exists()


def test_python_plot(tmp_path, exact):
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        pytest.skip("python3-matplotlib is not installed: Result.plot() not tested (apt-get install python3-matplotlib)")
    base = tmp_path / "b.txt"
    r = dmcheck.verify("sched_linear", id=np.arange(exact.size), alphabar=moved(exact, r3=2), save_baseline=base)
    rows = dmcheck.ref("sched_linear")
    r = dmcheck.verify("sched_linear", T=rows["T"], t=rows["t"], alphabar=moved(exact, r3=2, r9=np.nan),
                       baseline=None)
    fig = r.plot(tmp_path / "e.pdf", x="t")
    assert (tmp_path / "e.pdf").read_bytes().startswith(b"%PDF")
    ax = fig.axes[0]
    assert ax.get_xlabel() == "t" and "max inf ULP, 2 of %d rows over budget" % exact.size in ax.get_title()  # the NaN row is over too
    labels = ax.get_legend_handles_labels()[1]
    assert "NaN/Inf mismatch" in labels and "budget 1" in labels and "baseline" not in labels
    r = dmcheck.verify("sched_linear", id=np.arange(exact.size), alphabar=exact, baseline=base)
    fig = r.plot(tmp_path / "e.svg")
    assert (tmp_path / "e.svg").read_text().lstrip().startswith("<?xml")
    assert "baseline" in fig.axes[0].get_legend_handles_labels()[1]
    with pytest.raises(dmcheck.DmcheckError, match="not an input"):
        r.plot(tmp_path / "z.svg", x="t")
