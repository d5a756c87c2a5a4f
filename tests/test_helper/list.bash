# list.bash: fixtures for tests/pxr-list.bats.

# mktree DIR: a small folder-per-class tree of JPEGs and a PNG, with a
# non-image file and a nested folder.
mktree() {
	local d=$1
	mkdir -p "$d/n01440764" "$d/n01443537" "$d/n01484850/sub"
	mkjpeg 40 30 "$d/n01440764/n01440764_10026.JPEG"
	mkjpeg 31 47 "$d/n01440764/n01440764_2.JPEG"
	mkjpeg 20 20 "$d/n01443537/n01443537_1.jpg"
	mkpng 17 9 "$d/n01443537/n01443537_7.png"
	mkjpeg 25 25 "$d/n01484850/sub/n01484850_5.jpeg"
	echo "not an image" > "$d/n01484850/README.txt"
}

# mktars TREE OUT: the tree as a flat tar, a tar of per-class tars, and a
# tar.gz, with members stored in an order that is not the sorted one.
mktars() {
	local tree=$1 out=$2 c
	mkdir -p "$out/inner"
	(cd "$tree" && find . -type f | sort -r | tar -cf "$out/flat.tar" -T -)
	for c in n01484850 n01443537 n01440764; do
		(cd "$tree/$c" && find . -type f | sort -r | tar -cf "$out/inner/$c.tar" -T -)
	done
	(cd "$out/inner" && tar -cf "$out/nested.tar" n01484850.tar n01440764.tar n01443537.tar)
	gzip -c "$out/flat.tar" > "$out/flat.tar.gz"
}

# names_of STREAM: "index<TAB>name" of each record, sorted by index.
names_of() {
	pxr-cat "$1" | cut -f1,5 | sort -n
}

# payloads_of STREAM: "index<TAB>kind<TAB>name<TAB>payload" of each record,
# sorted by index, the payload as text (the tests' archives hold short
# text payloads; a failure record's is its reason), read with the
# independent reader's format (pxrstream.py).
payloads_of() {
	"$PY" - "$1" "$TOP/tests/test_helper" <<-'PY'
	import sys
	sys.path.insert(0, sys.argv[2])
	import pxrstream as p
	data = open(sys.argv[1], "rb").read()
	off, out = 0, []
	while off < len(data):
	    f = p.HEADER.unpack_from(data, off)
	    assert f[0] == b"PXRS", "bad magic at %d" % off
	    kind, index, nlen, plen, pcrc = f[2], f[4], f[11], f[13], f[14]
	    name = data[off + 64:off + 64 + nlen].decode()
	    payload = data[off + 64 + nlen:off + 64 + nlen + plen]
	    assert len(payload) == plen and p.crc32c(payload) == pcrc, name
	    kname = {v: k for k, v in p.KINDS.items()}[kind]
	    out.append((index, kname, name, payload.decode("ascii", "replace")))
	    off += 64 + nlen + plen
	for r in sorted(out):
	    print("%d\t%s\t%s\t%s" % r)
	PY
}

# mkdups: one archive of each kind (dup.tar, .tar.gz, .tar.bz2, .tar.xz,
# .zip and a newc .cpio, which Python writes by hand) holding, in this
# order, b.jpg "b1", a.jpg "a1", b.jpg "b2", c.jpg "c1", b.jpg "b3" and
# a.jpg "a2": three names, the last copies a2, b3 and c1.
mkdups() {
	"$PY" - <<-'PY'
	import io, tarfile, warnings, zipfile
	members = [("b.jpg", b"b1"), ("a.jpg", b"a1"), ("b.jpg", b"b2"),
	           ("c.jpg", b"c1"), ("b.jpg", b"b3"), ("a.jpg", b"a2")]
	for mode, ext in [("w", "tar"), ("w:gz", "tar.gz"), ("w:bz2", "tar.bz2"),
	                  ("w:xz", "tar.xz")]:
	    with tarfile.open("dup." + ext, mode, format=tarfile.USTAR_FORMAT) as t:
	        for name, data in members:
	            i = tarfile.TarInfo(name); i.size = len(data)
	            t.addfile(i, io.BytesIO(data))
	warnings.simplefilter("ignore")  # zipfile warns of the duplicates
	with zipfile.ZipFile("dup.zip", "w") as z:
	    for name, data in members:
	        z.writestr(name, data)
	def newc(name, data, ino, mode=0o100644):
	    name = name.encode() + b"\0"
	    head = b"070701" + b"".join(b"%08X" % v for v in
	        (ino, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(name), 0))
	    pad = lambda n: b"\0" * (-n % 4)
	    return head + name + pad(len(head) + len(name)) + data + pad(len(data))
	with open("dup.cpio", "wb") as f:
	    for ino, (name, data) in enumerate(members, 1):
	        f.write(newc(name, data, ino))
	    f.write(newc("TRAILER!!!", b"", 0, 0))
	PY
}

# mksplits: an ImageFolder tree ds/ (train/ and val/, class folders cat/
# and dog/ of small JPEGs, made by Pillow in one run; a JPEG in a sub-
# folder, a text file) and its archives in three shapes, each as .tar,
# .tar.gz and .zip:
#   dot    tar cf dot.tar -C ds .         members ./train/cat/1.jpg ...
#   top    tar cf top.tar ds              members ds/train/cat/1.jpg ...
#   bare   tar cf bare.tar -C ds train val   members train/cat/1.jpg ...
# GNU tar makes the tars; each zip holds the same members under the same
# names (leading ./ kept), directories included.
mksplits() {
	"$PY" - <<-'PY'
	import os
	import numpy as np
	from PIL import Image
	files = ["train/cat/1.jpg", "train/cat/2.jpg", "train/dog/3.jpg",
	         "train/dog/sub/4.jpg", "val/cat/5.jpg", "val/dog/6.jpg"]
	for i, f in enumerate(files):
	    os.makedirs(os.path.dirname("ds/" + f), exist_ok=True)
	    img = np.full((8 + i, 12 + i, 3), 40 * i, np.uint8)
	    Image.fromarray(img, "RGB").save("ds/" + f, "JPEG", quality=90)
	with open("ds/train/cat/notes.txt", "w") as t:
	    t.write("not an image\n")
	PY
	tar cf dot.tar -C ds .
	tar cf top.tar ds
	tar cf bare.tar -C ds train val
	local s
	for s in dot top bare; do
		gzip -c "$s.tar" > "$s.tar.gz"
		"$PY" - "$s.tar" "$s.zip" <<-'PY'
		import sys, tarfile, zipfile
		with tarfile.open(sys.argv[1]) as t, zipfile.ZipFile(sys.argv[2], "w") as z:
		    for m in t.getmembers():
		        if m.isdir():
		            z.writestr(zipfile.ZipInfo(m.name.rstrip("/") + "/"), b"")
		        else:
		            z.writestr(zipfile.ZipInfo(m.name), t.extractfile(m).read())
		PY
	done
}
