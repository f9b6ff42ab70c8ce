"""`dmcheck verify` on NumPy files written byte by byte (src/cli/dmv_npy.c):
every element type and header version the reader accepts gives the values
numpy itself wrote (exit 0 on the suite's own values, the right counts on
faulty ones), and every malformed header, descr or zip directory is refused
with exit 2 and one line "FILE: message" naming the defect."""
import json
import struct
import subprocess
import zlib

import numpy as np
import pytest

import dmcheck
from conftest import CLI

SUITE = "sched_linear"


def run(path, *opts):
    return subprocess.run([CLI, "verify", SUITE, str(path), *opts], capture_output=True, text=True)


@pytest.fixture(scope="module")
def rows():
    return dmcheck.ref(SUITE)


def npy(header, data=b"", major=1):
    """An .npy image with this header dict text (padded like numpy's) and data."""
    h = header.encode("latin1")
    h += b" " * (-(len(h) + (10 if major == 1 else 12) + 1) % 64) + b"\n"
    pre = b"\x93NUMPY" + bytes([major, 0]) + (struct.pack("<H", len(h)) if major == 1 else struct.pack("<I", len(h)))
    return pre + h + data


def header(descr, shape, fortran="False"):
    return "{'descr': %s, 'fortran_order': %s, 'shape': %s, }" % (descr, fortran, shape)


def zip_image(members, zip64=False, method=0, cd_offset=None, usize_delta=0, local_offset=None):
    """A zip archive of stored (name, bytes) members written here: optionally
    with the sizes and offset moved into a zip64 extra field, a compression
    method, or a damaged directory."""
    out, cd = b"", b""
    for name, data in members:
        n = name.encode()
        crc = zlib.crc32(data)
        off = len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0, crc, len(data), len(data), len(n), 0)
        out += n + data
        sizes = (len(data), len(data) + usize_delta)
        lo = off if local_offset is None else local_offset
        extra = b""
        if zip64:
            extra = struct.pack("<HHQQQ", 1, 24, sizes[1], sizes[0], lo)
            sizes, lo = (0xFFFFFFFF, 0xFFFFFFFF), 0xFFFFFFFF
        cd += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 45, 20, 0, method, 0, 0, crc, sizes[0], sizes[1],
                          len(n), len(extra), 0, 0, 0, 0, lo) + n + extra
    eocd = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(cd),
                       len(out) if cd_offset is None else cd_offset, 0)
    return out + cd + eocd


def write(tmp_path, name, data):
    f = tmp_path / name
    f.write_bytes(data)
    return f


def one_line_error(p, f, msg):
    lines = p.stderr.strip().splitlines()
    return p.returncode == 2 and p.stdout == "" and len(lines) == 1 and lines[0].startswith(str(f)) and msg in lines[0]


# ---- accepted: every type and version reads back numpy's values ----------

@pytest.mark.parametrize("major", [1, 2, 3])
def test_header_versions_and_padding_fields(tmp_path, rows, major):
    dt = np.dtype({"names": ["T", "t", "alphabar"], "formats": ["<f8", "<i4", "<f8"], "offsets": [0, 12, 16],
                   "itemsize": 96})  # padding (|V4 before t, |V72 at the end) skipped; over 64 KiB
    a = np.zeros(rows["t"].size, dtype=dt)
    a["T"], a["t"], a["alphabar"] = rows["T"], rows["t"], rows["alphabar"]
    hdr = header(repr(np.lib.format.dtype_to_descr(dt)), "(%d,)" % a.size)
    assert "|V4" in hdr and "|V72" in hdr and a.nbytes > 65536
    f = write(tmp_path, "v.npy", npy(hdr, a.tobytes(), major))
    assert run(f).returncode == 0
    a["alphabar"][3] = np.nextafter(np.nextafter(a["alphabar"][3], 1), 1)
    f.write_bytes(npy(hdr, a.tobytes(), major))
    p = run(f, "--format", "json")
    out = json.loads(p.stdout)["outputs"][0]
    assert p.returncode == 1 and out["max_ulp"] == 2 and out["over_budget"] == 1


@pytest.mark.parametrize("dtype", ["|u1", "|i1", "<u2", "<i2", "<u4", "<i4", "<u8", "<i8", "=i8", "<f4", "<f2"])
def test_id_column_of_every_integer_and_float_type(tmp_path, rows, dtype):
    ids = np.arange(0, 120, 7)
    f = tmp_path / "ids.npz"
    np.savez(f, id=ids.astype(np.dtype(dtype.replace("=", "<"))), alphabar=rows["alphabar"][ids])
    if dtype.startswith("="):  # numpy writes '<'; the native-order spelling '=' is accepted alike
        f = write(tmp_path, "ideq.npz", zip_image([("id.npy", npy(header("'=i8'", "(%d,)" % ids.size),
                                                                 ids.astype("<i8").tobytes())),
                                                  ("alphabar.npy", npy(header("'<f8'", "(%d,)" % ids.size),
                                                                       rows["alphabar"][ids].tobytes()))]))
    assert run(f).returncode == 0
    # the same ids one row off: every row is now judged against its neighbour
    np.savez(tmp_path / "off.npz", id=(ids + 1).astype(np.dtype(dtype.replace("=", "<"))),
             alphabar=rows["alphabar"][ids])
    assert run(tmp_path / "off.npz").returncode == 1


def test_bool_id_and_negative_integer_id(tmp_path, rows):
    f = tmp_path / "b.npz"
    np.savez(f, id=np.array([False, True]), alphabar=rows["alphabar"][:2])
    assert run(f).returncode == 0
    np.savez(f, id=np.array([0, -1], dtype=np.int16), alphabar=rows["alphabar"][:2])
    p = run(f)
    assert one_line_error(p, f, "row 1: id is not a row number"), p.stderr


def test_float16_values_normal_subnormal_and_special(tmp_path, rows):
    f = tmp_path / "h.npz"
    ab = rows["alphabar"].astype(np.float16)
    assert (ab[(ab > 0) & (ab < np.finfo(np.float16).tiny)]).size > 0  # subnormal halves occur
    np.savez(f, T=rows["T"], t=rows["t"], alphabar=ab)
    assert run(f, "--dtype", "float16").returncode == 0
    ab[[2, 5]] = np.nan, np.inf  # NaN: a mismatch; inf: the ULPs past the largest half
    ab[9] = -ab[9]
    np.savez(f, T=rows["T"], t=rows["t"], alphabar=ab)
    p = run(f, "--dtype", "float16", "--format", "json")
    out = json.loads(p.stdout)["outputs"][0]
    assert p.returncode == 1 and out["nan_mismatch"] == 1 and out["sign_errors"] == 1 and out["over_budget"] == 3


def test_zip64_directory_entries(tmp_path, rows):
    n = 50
    members = [("id.npy", npy(header("'<i8'", "(%d,)" % n), np.arange(n, dtype="<i8").tobytes())),
               ("alphabar.npy", npy(header("'<f8'", "(%d,)" % n), rows["alphabar"][:n].tobytes()))]
    f = write(tmp_path, "z64.npz", zip_image(members, zip64=True))
    assert run(f).returncode == 0
    bad = [members[0], ("alphabar.npy", npy(header("'<f8'", "(%d,)" % n), (-rows["alphabar"][:n]).tobytes()))]
    f = write(tmp_path, "z64bad.npz", zip_image(bad, zip64=True))
    assert run(f).returncode == 1


# ---- refused: exit 2, one line naming the file and the defect ------------

F8 = "'<f8'"
GOOD_DESCR = "[('T', '<f8'), ('t', '<f8'), ('alphabar', '<f8')]"
BAD_NPY = [
    ("short", b"\x93NUMPY\x01", "bad magic"),
    ("magic", b"\x93NUMPX\x01\x00\x10\x00" + b" " * 16, "bad magic"),
    ("version 4", npy(header(F8, "(1,)"), b"\0" * 8, major=4), "unsupported .npy format version"),
    ("version 2, 11 bytes", b"\x93NUMPY\x02\x00\x00\x00\x00", "truncated .npy header"),
    ("header length", b"\x93NUMPY\x01\x00\xff\x7f{'descr'", "truncated .npy header"),
    ("no shape", npy("{'descr': '<f8', 'fortran_order': False}"), "bad .npy header"),
    ("shape list", npy(header(GOOD_DESCR, "[1]")), "bad .npy shape"),
    ("shape ()", npy(header(GOOD_DESCR, "()")), "bad .npy shape"),
    ("shape (1 2)", npy(header(GOOD_DESCR, "(1 2)")), "bad .npy shape"),
    ("shape overflow", npy(header(GOOD_DESCR, "(99999999999999999999999,)")), "bad .npy shape"),
    ("shape 2-D", npy(header(GOOD_DESCR, "(1, 3)")), "only 1-D"),
    ("descr item", npy(header("['T']", "(1,)")), "bad structured descr"),
    ("descr name only", npy(header("[('T',)]", "(1,)")), "bad structured descr"),
    ("descr unquoted", npy(header("[(T, '<f8')]", "(1,)")), "bad structured descr"),
    ("sub-array", npy(header("[('T', '<f8', (2,))]", "(1,)")), "sub-array fields"),
    ("complex", npy(header("[('T', '<c16')]", "(1,)")), "field 'T': type '<c16' is not supported"),
    ("big-endian", npy(header("[('T', '>f8')]", "(1,)")), "type '>f8' is not supported"),
    ("no size", npy(header("[('T', '<f')]", "(1,)")), "type '<f' is not supported"),
    ("size letters", npy(header("[('T', '<fx')]", "(1,)")), "type '<fx' is not supported"),
    ("float8", npy(header("[('T', '<f1')]", "(1,)")), "type '<f1' is not supported"),
    ("int3", npy(header("[('T', '<i3')]", "(1,)")), "type '<i3' is not supported"),
    ("bool2", npy(header("[('T', '|b2')]", "(1,)")), "type '|b2' is not supported"),
    ("V0", npy(header("[('T', '|V0')]", "(1,)")), "type '|V0' is not supported"),
    ("no fields", npy(header("[]", "(1,)")), "structured array without fields"),
    ("padding only", npy(header("[('', '|V8')]", "(1,)")), "structured array without fields"),
    ("65 fields", npy(header("[%s]" % ", ".join("('c%d', '<f8')" % i for i in range(65)), "(1,)")),
     "too many fields"),
    ("long name", npy(header("[('%s', '<f8')]" % ("n" * 64), "(1,)")), "field name too long"),
    ("fortran", npy(header(GOOD_DESCR, "(1,)", fortran="Maybe"), b"\0" * 24), "bad .npy fortran_order"),
    ("truncated data", npy(header(GOOD_DESCR, "(2,)"), b"\0" * 40), "truncated .npy data"),
    ("no rows", npy(header(GOOD_DESCR, "(0,)")), "no rows"),
]


@pytest.mark.parametrize("what, image, msg", BAD_NPY, ids=[b[0] for b in BAD_NPY])
def test_bad_npy(tmp_path, what, image, msg):
    f = write(tmp_path, "c.npy", image)
    p = run(f)
    assert one_line_error(p, f, msg), (what, p.returncode, p.stderr)


def member(name, descr=F8, n=2, data=None):
    return (name, npy(header(descr, "(%d,)" % n), b"\0" * 8 * n if data is None else data))


BAD_NPZ = [
    ("not a zip", b"PK" + b"\0" * 40, "no end of central directory"),
    ("empty", zip_image([]), "empty .npz"),
    ("directory offset", zip_image([member("alphabar.npy")], cd_offset=1 << 20), "corrupt zip directory"),
    ("directory signature", zip_image([member("alphabar.npy")], cd_offset=0), "corrupt zip directory"),
    ("member offset", zip_image([member("alphabar.npy")], local_offset=7), "corrupt zip member"),
    ("sizes differ", zip_image([member("alphabar.npy")], usize_delta=1), "truncated zip member"),
    ("deflated", zip_image([member("alphabar.npy")], method=8), "compressed .npz members"),
    ("not .npy", zip_image([member("alphabar.txt")]), "not NAME.npy"),
    ("bare .npy", zip_image([member(".npy")]), "not NAME.npy"),
    ("name of 80", zip_image([member("a" * 80 + ".npy")]), "not NAME.npy"),
    ("duplicate", zip_image([member("alphabar.npy"), member("alphabar.npy")]), "duplicate array name"),
    ("65 arrays", zip_image([member("c%d.npy" % i) for i in range(65)]), "too many columns"),
    ("plain complex", zip_image([member("alphabar.npy", "'<c16'", data=b"\0" * 32)]), "dtype not supported"),
    ("plain padding", zip_image([member("alphabar.npy", "'|V8'")]), "dtype not supported"),
    ("plain unquoted", zip_image([member("alphabar.npy", "f8")]), "dtype not supported"),
    ("array name of 64", zip_image([member("a" * 64 + ".npy")]), "array name too long"),
    ("member truncated", zip_image([member("alphabar.npy", n=3, data=b"\0" * 16)]), "[alphabar]: truncated .npy data"),
]


@pytest.mark.parametrize("what, image, msg", BAD_NPZ, ids=[b[0] for b in BAD_NPZ])
def test_bad_npz(tmp_path, what, image, msg):
    f = write(tmp_path, "c.npz", image)
    p = run(f)
    assert one_line_error(p, f, msg), (what, p.returncode, p.stderr)


def test_numpy_column_errors(tmp_path, rows):
    f = tmp_path / "c.npz"
    np.savez(f, T=rows["T"][:3], alphabar=rows["alphabar"][:3])  # one input of two
    p = run(f)
    assert one_line_error(p, f, "give every input of suite %s or none" % SUITE), p.stderr
    np.savez(f, id=np.arange(3))  # no output
    p = run(f)
    assert one_line_error(p, f, ": no output of suite %s given" % SUITE), p.stderr
    p = run(tmp_path / "missing.npz")
    assert one_line_error(p, tmp_path / "missing.npz", "No such file"), p.stderr
