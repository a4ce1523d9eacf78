#!/usr/bin/python3
"""Independent tree walker for the backup round-trip oracle (tests/roundtrip).

Written apart from the engine on purpose (another language, another file-system layer): for each root given on the
command line it walks the tree on bytes paths without following links and prints one JSON object per root, keyed
by the hex of each entry's path relative to the root: type, permission bits, mtime in nanoseconds (a string), size and SHA-256
of a file's bytes, the bytes of a link's target (hex), and a readable form of the path for messages.
"""
import hashlib
import json
import os
import stat
import sys


def describe(path: bytes) -> dict:
    st = os.lstat(path)
    entry = {'mode': stat.S_IMODE(st.st_mode), 'mtime_ns': str(st.st_mtime_ns)}
    if stat.S_ISLNK(st.st_mode):
        entry.update(type='link', target=os.readlink(path).hex())
    elif stat.S_ISDIR(st.st_mode):
        entry.update(type='dir')
    elif stat.S_ISREG(st.st_mode):
        digest = hashlib.sha256()
        with open(path, 'rb') as f:
            for block in iter(lambda: f.read(1 << 20), b''):
                digest.update(block)
        entry.update(type='file', size=st.st_size, sha256=digest.hexdigest())
    else:
        entry.update(type='other')
    return entry


def walk(root: bytes) -> dict:
    out = {}
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        for name in dirnames + filenames:
            full = os.path.join(dirpath, name)
            rel = os.path.relpath(full, root)
            entry = describe(full)
            entry['shown'] = rel.decode('utf-8', 'backslashreplace')
            out[rel.hex()] = entry
    return out


if __name__ == '__main__':
    roots = [os.fsencode(a) if not a.startswith('hex:') else bytes.fromhex(a[4:]) for a in sys.argv[1:]]
    json.dump([walk(r) for r in roots], sys.stdout)
