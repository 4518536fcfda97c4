# Every chunk the program acknowledged ("chunk N") holds its words: word i = (8 i) XOR the constant.
import array, os, re, sys

CHUNK_BYTES = 4 << 20
MASK = (0x5741524B42414B45).to_bytes(8, "little") * (CHUNK_BYTES // 8)
with open(os.environ["WRITEBACK_OUTPUT"], "rb") as output:
    acked = [int(n) for n in re.findall(rb"chunk (\d+)", output.read())]
path = os.path.join(os.environ["WRITEBACK_IMAGE"], "big.bin")
if acked and not os.path.exists(path):
    print(f"big.bin is missing but chunk {acked[-1]} was acknowledged"); sys.exit(1)
with open(path, "rb") if acked else open(os.devnull, "rb") as data:
    for chunk in acked:
        data.seek(chunk * CHUNK_BYTES)
        got = data.read(CHUNK_BYTES)
        first = chunk * CHUNK_BYTES // 8
        offsets = array.array("Q", range(first * 8, (first + CHUNK_BYTES // 8) * 8, 8)).tobytes()
        # XOR every word with the constant at once, as one big integer.
        want = (int.from_bytes(offsets, "little") ^ int.from_bytes(MASK, "little")).to_bytes(CHUNK_BYTES, "little")
        if got != want:
            print(f"chunk {chunk} was acknowledged but is not intact"); sys.exit(1)
