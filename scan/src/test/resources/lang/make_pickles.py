"""Writes the pickle fixtures for PickleExtractorTest into the directory given as argv[1].

Only pickle.dumps and byte strings: nothing here ever loads a pickle. Objects whose __reduce__ names a dangerous
callable are pickled by reference, so writing them runs nothing either.
"""
import collections
import io
import os
import pickle
import subprocess
import sys
import zipfile

out = sys.argv[1]


def write(name, data):
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)


class RunsShell:
    def __reduce__(self):
        return (os.system, ("echo pwned",))


class Evaluates:
    def __reduce__(self):
        return (eval, ("1+1",))


class Spawns:
    def __reduce__(self):
        return (subprocess.Popen, (["id"],))


for protocol in range(0, 6):
    write(f"system-p{protocol}.pkl", pickle.dumps(RunsShell(), protocol=protocol))
    write(f"eval-p{protocol}.pkl", pickle.dumps(Evaluates(), protocol=protocol))
    write(f"ordereddict-p{protocol}.pkl", pickle.dumps(collections.OrderedDict(a=1, b=[1, 2]), protocol=protocol))
write("popen.pickle", pickle.dumps(Spawns(), protocol=4))

# What torch.save puts in data.pkl for a state dict, written by hand because torch is not installed here:
# OrderedDict of a tensor rebuilt by torch._utils._rebuild_tensor_v2 from a persistent FloatStorage.
tensor_state = (
    b"\x80\x02ccollections\nOrderedDict\nq\x00)Rq\x01X\x06\x00\x00\x00weightq\x02"
    b"ctorch._utils\n_rebuild_tensor_v2\nq\x03((X\x07\x00\x00\x00storageq\x04ctorch\nFloatStorage\nq\x05"
    b"X\x01\x00\x00\x000q\x06X\x03\x00\x00\x00cpuq\x07K\x04tq\x08QK\x00K\x04\x85q\tK\x01\x85q\n\x89"
    b"ccollections\nOrderedDict\nq\x0b)Rq\x0ctq\rRq\x0es}q\x0fb."
)
write("state-dict.pkl", tensor_state)
# numpy's array reconstructor, as np.ndarray pickles (by hand: numpy may be missing)
write(
    "ndarray.pkl",
    b"\x80\x02cnumpy.core.multiarray\n_reconstruct\nq\x00cnumpy\nndarray\nq\x01K\x00\x85q\x02C\x01bq\x03\x87q\x04"
    b"Rq\x05.",
)


def torch_zip(name, data_pkl):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("archive/data.pkl", data_pkl)
        z.writestr("archive/data/0", b"\x00" * 16)
        z.writestr("archive/version", b"3\n")
    write(name, buffer.getvalue())


torch_zip("model.pt", pickle.dumps(RunsShell(), protocol=2))
torch_zip("clean-model.pth", tensor_state)
# a zip under a name that does not say so: detected by its magic
torch_zip("weights.bin", pickle.dumps(Evaluates(), protocol=4))

# STACK_GLOBAL whose operands come back through the memo (MEMOIZE, POP, BINGET) rather than straight off the stack
write(
    "memo-system.pkl",
    b"\x80\x04\x8c\x05posix\x94" b"0" b"\x8c\x06system\x94" b"0" b"h\x00h\x01\x93" b"\x8c\x04echo\x85R.",
)
# STACK_GLOBAL over a module name computed while loading (str() here): the imported name cannot be known statically
write("computed.pkl", b"\x80\x04\x8c\x08builtins\x8c\x03str\x93)R\x8c\x06system\x93)R.")
# legacy torch.save: several pickles in a row, then raw tensor bytes
write(
    "legacy.pth",
    pickle.dumps(0x1950A86A20F9469CFC6C, protocol=2)
    + pickle.dumps(1001, protocol=2)
    + pickle.dumps(RunsShell(), protocol=2)
    + b"\x10\x00\x00\x00" + b"\x00" * 64,
)
write("truncated.pkl", pickle.dumps(RunsShell(), protocol=4)[:9])
whole = pickle.dumps(RunsShell(), protocol=4)
write("truncated-after-global.pkl", whole[: whole.index(b"\x93") + 1])
write("garbled.pkl", b"hello, this is not a pickle\n")
write("text.bin", b"not a pickle, just a blob\n")
