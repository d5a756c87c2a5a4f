#!/usr/bin/python3
"""pxrstream.py: an independent reader and writer of the pxr stream, written
from pxr(5) alone, for the tests.  Not used by pxr itself.

  pxrstream.py write < spec.jsonl > stream   one JSON object a line:
      {"kind": "pixels", "index": 3, "label": 5, "width": 2, "height": 1,
       "channels": 3, "name": "a.jpg", "payload_hex": "..."}  (or
       "payload_file": path, or "payload_text": "reason")
  pxrstream.py read < stream                 JSON lines, payload as sha256
"""
import hashlib
import json
import struct
import sys

KINDS = {"encoded": 1, "pixels": 2, "failure": 3}
HEADER = struct.Struct("<4sHBBQiIIIIIIIQII")


def _table():
    t = []
    for n in range(256):
        c = n
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        t.append(c)
    return t


TABLE = _table()


def crc32c(data, crc=0):
    crc ^= 0xFFFFFFFF
    for b in data:
        crc = (crc >> 8) ^ TABLE[(crc ^ b) & 0xFF]
    return crc ^ 0xFFFFFFFF


def record(kind, index, name, payload, label=-1, flags=0, width=0, height=0,
           channels=0, orig_width=0, orig_height=0):
    name = name.encode() if isinstance(name, str) else name
    head = HEADER.pack(b"PXRS", 1, KINDS[kind], channels, index, label, flags,
                       width, height, orig_width, orig_height, len(name), 0,
                       len(payload), crc32c(payload), 0)[:60]
    return head + struct.pack("<I", crc32c(name, crc32c(head))) + name + payload


def write(inp, out):
    for line in inp:
        if not line.strip():
            continue
        s = json.loads(line)
        if "payload_file" in s:
            with open(s.pop("payload_file"), "rb") as f:
                payload = f.read()
        elif "payload_text" in s:
            payload = s.pop("payload_text").encode()
        else:
            payload = bytes.fromhex(s.pop("payload_hex", ""))
        out.write(record(s.pop("kind"), s.pop("index"), s.pop("name"),
                         payload, **s))


def read(inp, out):
    for rec in records(inp.read()):
        rec = {("sha256" if k == "payload" else k):
               (hashlib.sha256(v).hexdigest() if k == "payload" else v)
               for k, v in rec.items()}
        out.write(json.dumps(rec) + "\n")


def records(data):
    """The records of a stream's bytes, checked, each a dict with its
    payload's bytes under "payload"."""
    off, recs = 0, []
    while off < len(data):
        f = HEADER.unpack_from(data, off)
        (magic, ver, kind, ch, index, label, flags, w, h, ow, oh, nlen, _res,
         plen, pcrc, hcrc) = f
        assert magic == b"PXRS" and ver == 1, "bad magic/version at %d" % off
        name = data[off + 64:off + 64 + nlen]
        assert crc32c(name, crc32c(data[off:off + 60])) == hcrc, "header crc"
        payload = data[off + 64 + nlen:off + 64 + nlen + plen]
        assert len(payload) == plen, "truncated"
        assert crc32c(payload) == pcrc, "payload crc"
        kname = {v: k for k, v in KINDS.items()}[kind]
        rec = {"kind": kname, "index": index, "label": label, "flags": flags,
               "width": w, "height": h, "channels": ch, "orig_width": ow,
               "orig_height": oh, "name": name.decode("utf-8", "replace"),
               "bytes": plen, "payload": payload}
        if kname == "failure":
            rec["reason"] = payload.decode("utf-8", "replace")
        recs.append(rec)
        off += 64 + nlen + plen
    return recs


if __name__ == "__main__":
    if sys.argv[1:] == ["write"]:
        write(sys.stdin, sys.stdout.buffer)
    elif sys.argv[1:] == ["read"]:
        read(sys.stdin.buffer, sys.stdout)
    else:
        sys.exit(__doc__)
