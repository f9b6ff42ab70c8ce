"""ctypes binding of libdmcverify (src/cli/dmcverify.h)."""
import ctypes
import os

_HERE = os.path.dirname(os.path.abspath(__file__))


def _candidates():
    env = os.environ.get("DMCHECK_LIB")
    if env:
        return [env]
    # installed: PREFIX/lib/python3/dist-packages/dmcheck -> PREFIX/lib
    return [os.path.normpath(os.path.join(_HERE, "..", "..", "..", "libdmcverify.so.0")),
            "libdmcverify.so.0"]


def _load():
    errors = []
    for path in _candidates():
        try:
            return ctypes.CDLL(path)
        except OSError as e:
            errors.append(str(e))
    raise ImportError("dmcheck: cannot load libdmcverify (set DMCHECK_LIB=build/lib/libdmcverify.so "
                      "in the build tree): " + "; ".join(errors))


lib = _load()

c_double_p = ctypes.POINTER(ctypes.c_double)


class Options(ctypes.Structure):
    _fields_ = [("dtype", ctypes.c_char_p), ("budget_ulp", ctypes.c_double),
                ("budgets", c_double_p), ("abs_tol", ctypes.c_double), ("worst", ctypes.c_int),
                ("vectors", ctypes.c_char_p), ("live", ctypes.c_int), ("name", ctypes.c_char_p),
                ("exclude", ctypes.POINTER(ctypes.c_char_p)), ("nexclude", ctypes.c_int), ("rows_out", ctypes.c_void_p),
                ("row_labels", ctypes.POINTER(ctypes.c_long))]


def _sig(name, restype, *argtypes):
    f = getattr(lib, name)
    f.restype = restype
    f.argtypes = list(argtypes)


_sig("dmv_nsuites", ctypes.c_int)
_sig("dmv_suite_name", ctypes.c_char_p, ctypes.c_int)
_sig("dmv_suite_shape", ctypes.c_int, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ctypes.c_int))
_sig("dmv_suite_input", ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int)
_sig("dmv_suite_output", ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int)
_sig("dmv_ref", ctypes.c_int, ctypes.c_char_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_size_t),
     ctypes.POINTER(c_double_p), ctypes.POINTER(c_double_p), ctypes.c_char_p, ctypes.c_size_t)
_sig("dmv_free", None, ctypes.c_void_p)
_sig("dmv_nfunctions", ctypes.c_int)
_sig("dmv_function_name", ctypes.c_char_p, ctypes.c_int)
_sig("dmv_function_args", ctypes.c_char_p, ctypes.c_int)
_sig("dmv_eval", ctypes.c_int, ctypes.c_char_p, c_double_p, ctypes.c_int, c_double_p, ctypes.c_char_p, ctypes.c_size_t)
_sig("dmv_options_init", None, ctypes.POINTER(Options))
_sig("dmv_verify_columns", ctypes.c_int, ctypes.c_char_p, ctypes.POINTER(Options), ctypes.c_size_t, c_double_p,
     ctypes.POINTER(c_double_p), ctypes.POINTER(c_double_p), c_double_p, ctypes.POINTER(ctypes.c_ubyte),
     ctypes.POINTER(ctypes.c_void_p), ctypes.c_char_p, ctypes.c_size_t)
_sig("dmv_result_ok", ctypes.c_int, ctypes.c_void_p)
_sig("dmv_result_rows", ctypes.c_size_t, ctypes.c_void_p)
_sig("dmv_result_present", ctypes.c_int, ctypes.c_void_p, ctypes.c_int)
_sig("dmv_result_max_ulp", ctypes.c_double, ctypes.c_void_p, ctypes.c_int)
_sig("dmv_result_budget", ctypes.c_double, ctypes.c_void_p, ctypes.c_int)
_sig("dmv_result_over", ctypes.c_size_t, ctypes.c_void_p, ctypes.c_int)
_sig("dmv_result_nworst", ctypes.c_int, ctypes.c_void_p, ctypes.c_int)
_sig("dmv_result_worst", ctypes.c_int, ctypes.c_void_p, ctypes.c_int, ctypes.c_int, ctypes.POINTER(ctypes.c_long),
     ctypes.POINTER(ctypes.c_long), c_double_p, c_double_p, c_double_p, c_double_p)
_sig("dmv_result_report", ctypes.c_void_p, ctypes.c_void_p, ctypes.c_char_p)
_sig("dmv_result_free", None, ctypes.c_void_p)
_sig("dmv_baseline_text", ctypes.c_void_p, ctypes.c_void_p)
_sig("dmv_baseline_ulps", ctypes.c_int, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_size_t, c_double_p,
     ctypes.c_char_p, ctypes.c_size_t)
_sig("dmv_baseline_check", ctypes.c_int, ctypes.c_void_p, ctypes.c_char_p, ctypes.c_double,
     ctypes.POINTER(ctypes.c_void_p), ctypes.POINTER(ctypes.c_int), ctypes.c_char_p, ctypes.c_size_t)
