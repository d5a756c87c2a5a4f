#!/usr/bin/env bats
# pxr-folder: an ImageFolder tree (any class names) or its tar into tensors.
bats_require_minimum_version 1.5.0

setup() {
	load test_helper/common
	cd "$BATS_TEST_TMPDIR"
	mkdir -p tree/dog tree/cat tree/zebra\ crossing
	mkjpeg 300 200 tree/dog/a.jpg
	mkjpeg 250 260 tree/dog/b.JPEG
	mkjpeg 320 240 tree/cat/x.jpg
	mkpng 260 270 "tree/zebra crossing/z.png"
	echo notes > tree/README.txt
}

@test "pxr-folder: classes are the sorted top folders; the tensors equal a sequential pipeline's" {
	run -0 --separate-stderr pxr-folder --jobs 2 --out out tree
	assert_equal "$(cat out/classes.txt)" 'cat
dog
zebra\ crossing'
	# cat/x, dog/a, dog/b, zebra crossing/z in name order: labels 1 2 2 3.
	run -0 "$PY" -c 'import numpy as np; print(*np.fromfile("out/Y_data.raw", "<u2"))'
	assert_output "1 2 2 3"
	pxr-pack --create 4 --layout nchw ref.raw refy.raw
	pxr-list tree | pxr-decode | pxr-resize --like torchvision | pxr-crop --like torchvision |
		pxr-label --classes out/classes.txt | pxr-pack ref.raw refy.raw
	cmp ref.raw out/X_data.raw
	cmp refy.raw out/Y_data.raw
}

@test "pxr-folder: a tar of the tree gives the same tensors; --classes sets the order" {
	run -0 --separate-stderr pxr-folder --jobs 1 --out out tree
	tar -cf tree.tar -C tree .
	printf 'zebra\\ crossing\ndog\ncat\n' > order.txt
	run -0 --separate-stderr pxr-folder --name pets --out out2 tree.tar
	cmp out/X_data.raw out2/X_pets.raw
	run -0 --separate-stderr pxr-folder --classes order.txt --out out3 tree
	run -0 "$PY" -c 'import numpy as np; print(*np.fromfile("out3/Y_data.raw", "<u2"))'
	assert_output "3 2 2 1"
}

@test "pxr-folder: an image outside any class folder is a listed failure, not class 1" {
	mkjpeg 300 300 tree/stray.jpg
	run -1 --separate-stderr pxr-folder --out out tree
	run -0 "$PY" -c 'import json; print([f["name"] for f in json.load(open("out/X_data.raw.manifest.json"))["failures"]])'
	assert_output "['stray.jpg']"
}

@test "pxr-folder: an ImageNet run's synsets.txt in the same output folder is not taken for the class list" {
	mkdir out
	# What pxr-imagenet leaves in OUT: a WNID list, no folder of ours in it.
	printf 'n01440764\nn01443537\n' > out/synsets.txt
	run -0 --separate-stderr pxr-folder --jobs 1 --out out tree
	assert_equal "$(cat out/classes.txt)" 'cat
dog
zebra\ crossing'
	run -0 "$PY" -c 'import numpy as np; print(*np.fromfile("out/Y_data.raw", "<u2"))'
	assert_output "1 2 2 3"
	assert_equal "$(cat out/synsets.txt)" 'n01440764
n01443537'
}

@test "pxr-folder: class folders named with a space or a comma keep their names whole in the manifest's synsets, and label their images" {
	mkdir -p odd/dog 'odd/zebra crossing' odd/a,b
	mkjpeg 300 200 odd/dog/d.jpg
	mkjpeg 260 260 'odd/zebra crossing/z1.jpg'
	mkpng 280 250 'odd/zebra crossing/z2.png'
	mkjpeg 250 300 odd/a,b/a.jpg
	run -0 --separate-stderr pxr-folder --jobs 1 --out out odd
	assert_equal "$stderr" "pxr-folder: data: indexing $BATS_TEST_TMPDIR/odd
pxr-folder: data: 4 images (0 done before), 1 shard, 1 job
pxr-pack: $BATS_TEST_TMPDIR/out/X_data.raw: 4 images ok, 0 failed, 0 missing; X is N C H W = 4 3 224 224 uint8 in C order, Y u16 labels from 1; manifest $BATS_TEST_TMPDIR/out/X_data.raw.manifest.json"
	assert_equal "$(cat out/classes.txt)" 'a,b
dog
zebra\ crossing'
	# a,b/a, dog/d, zebra crossing/z1 and z2 in name order.
	run -0 "$PY" -c 'import json, numpy as np
m = json.load(open("out/X_data.raw.manifest.json"))
print(*m["synsets"], "words" in m, *np.fromfile("out/Y_data.raw", "<u2"), sep="|")'
	assert_output "a,b|dog|zebra crossing|False|1|2|3|3"
}

@test "pxr-folder: class folders named with a backslash or a leading # keep their names whole in the manifest's synsets, and label their images" {
	mkdir -p odd/dog 'odd/back\slash' 'odd/#hash'
	mkjpeg 300 200 odd/dog/d.jpg
	mkjpeg 260 260 'odd/back\slash/b.jpg'
	mkjpeg 200 260 'odd/#hash/h.jpg'
	run -0 --separate-stderr pxr-folder --jobs 1 --out out odd
	[[ "$stderr" != *"gives no image"* ]] || fail "$stderr"
	assert_equal "$(cat out/classes.txt)" '\#hash
back\\slash
dog'
	run -0 "$PY" -c 'import json, numpy as np
m = json.load(open("out/X_data.raw.manifest.json"))
print(*m["synsets"], *np.fromfile("out/Y_data.raw", "<u2"), sep="|")'
	assert_output '#hash|back\slash|dog|1|2|3'
}

@test "pxr-folder: a missing or an extra ROOT is said before the usage, exit 2" {
	run -2 --separate-stderr pxr-folder --out e1
	assert_output ""
	assert_equal "${stderr_lines[0]}" "pxr-folder: missing ROOT"
	[[ "${stderr_lines[1]}" == "usage: pxr-folder [plan | slurm] "* ]]
	run -2 --separate-stderr pxr-folder --out e1 tree extra
	assert_equal "${stderr_lines[0]}" "pxr-folder: one ROOT only, got 2"
	run -2 --separate-stderr pxr-folder finish --out e1 tree
	assert_equal "${stderr_lines[0]}" "pxr-folder: finish takes no ROOT (the plan in --out holds it)"
}

@test "pxr-folder: images not in class folders: the message says where they go; nothing is left behind" {
	mkdir flat
	mkjpeg 100 80 flat/a.jpg
	run -2 --separate-stderr pxr-folder --out new/out flat
	assert_equal "${stderr_lines[-1]}" "pxr-folder: $BATS_TEST_TMPDIR/flat: no image is in a class folder: each class's images go in a folder of its own, ROOT/<class>/ (or ROOT/train/<class>/ with split folders)"
	[ ! -e new ]
	# An output folder that was there keeps what it had, and gets no .pxr.
	mkdir old
	echo mine > old/keep
	run -2 --separate-stderr pxr-folder --out old missing/
	assert_equal "$stderr" "pxr-folder: missing/: no such file or directory"
	assert_equal "$(ls -A old)" "keep"
}

@test "pxr-folder: a root one folder too high (one class, the dataset's folder) is said, with the fix" {
	mkdir -p deep/ds/cat deep/ds/dog
	mkjpeg 100 80 deep/ds/cat/a.jpg
	mkjpeg 100 80 deep/ds/dog/b.jpg
	run -0 --separate-stderr pxr-folder --out o deep
	[[ "$stderr" == *"pxr-folder: $BATS_TEST_TMPDIR/deep: one class only, 'ds': if it holds the class folders, give it as the root"* ]] ||
		fail "$stderr"
	run -0 --separate-stderr pxr-folder --out o2 deep/ds
	[[ "$stderr" != *"one class only"* ]]
}

@test "pxr-folder: PyTorch's order by default (N C H W), .npy with --npy; --split val indexes train for the class list and says so" {
	mkdir -p sets/train/a sets/train/b sets/val/a
	mkjpeg 300 200 sets/train/a/1.jpg
	mkjpeg 200 300 sets/train/b/2.jpg
	mkjpeg 260 260 sets/val/a/3.jpg
	run -0 --separate-stderr pxr-folder --split val --npy --out o sets
	[[ "$stderr" == *"pxr-folder: train: indexing $BATS_TEST_TMPDIR/sets/train (for the class list: its folders)"* ]]
	run -0 "$PY" -c 'import json, numpy as np
x = np.load("o/X_val.npy", mmap_mode="r")
m = json.load(open("o/X_val.npy.manifest.json"))
print(x.shape, m["layout"], m["recipe"]["format"])'
	assert_output "(1, 3, 224, 224) nchw npy"
}

@test "pxr-folder: an archive of a tree with split folders, with or without one top folder, tar, tar.gz or zip, gives the tree's sets" {
	mkdir -p ds/train/cat ds/train/dog ds/val/cat ds/val/dog
	mkjpeg 300 200 ds/train/cat/1.jpg
	mkjpeg 200 300 ds/train/dog/2.jpg
	mkjpeg 260 260 ds/val/cat/3.jpg
	mkjpeg 240 250 ds/val/dog/4.jpg
	run -0 --separate-stderr pxr-folder --out ref ds
	tar -cf top.tar -C ds .
	tar -cf parent.tar ds
	tar -czf parent.tar.gz ds
	(cd ds && "$PY" -c 'import os, zipfile
with zipfile.ZipFile("../top.zip", "w") as z:
    for d, _, fs in sorted(os.walk(".")):
        for f in sorted(fs):
            z.write(os.path.join(d, f))')
	for a in top.tar parent.tar parent.tar.gz top.zip; do
		run -0 --separate-stderr pxr-folder --out "o-$a" "$a"
		[[ "$stderr" == *"train: 2 images"*"val: 2 images"* ]] || fail "$a: $stderr"
		assert_equal "$(cat "o-$a/classes.txt")" "$(cat ref/classes.txt)"
		for f in X_train.raw Y_train.raw X_val.raw Y_val.raw; do
			cmp "ref/$f" "o-$a/$f" || fail "$a: $f differs from the tree's"
		done
	done
	# The archive is indexed once; a run again reads its index.
	run -0 --separate-stderr pxr-folder --out o-top.tar top.tar
	[[ "$stderr" != *"indexing"* ]]
}

@test "pxr-folder: a PyTorch loop over a set made with the defaults, read by the manifest's axes, sees torchvision's images upright and ImageFolder's labels" {
	cp -r "$TESTDATA/photos" photos
	run -0 --separate-stderr pxr-folder --out o photos
	run -0 "$PY" - o/X_train.raw.manifest.json photos/train <<-'PY'
	import json, sys
	import numpy as np
	import torch
	from torchvision import datasets, transforms
	m = json.load(open(sys.argv[1]))
	x = np.memmap(m["x"], dtype=m["dtype"], mode="r", offset=m["offset"],
	              shape=tuple(m["c_shape"]))
	# The axes by their names, whatever the layout: to N C H W.
	t = torch.from_numpy(np.array(x)).permute(
	    *[m["axes"].index(a) for a in "NCHW"])
	y = np.fromfile(m["y"], dtype=m["label_dtype"]).astype(np.int64) - m["label_base"]
	ref = datasets.ImageFolder(sys.argv[2], transform=transforms.Compose([
	    transforms.Resize(256), transforms.CenterCrop(224), transforms.PILToTensor()]))
	assert len(ref) == t.shape[0] == len(y), (len(ref), t.shape, len(y))
	for i, (img, label) in enumerate(torch.utils.data.DataLoader(ref, batch_size=1)):
	    assert torch.equal(img[0], t[i]), "image %d differs from torchvision's" % i
	    assert label.item() == y[i], (i, label.item(), y[i])
	print(m["layout"], "".join(m["axes"]), len(ref))
	PY
	assert_output "nchw NCHW 15"
}

@test "pxr-folder --sheet: a contact sheet of each split, ten random images none twice, captioned; the run ends saying where it is" {
	cp -r "$TESTDATA/photos" photos
	run -0 --separate-stderr pxr-folder --sheet --out o photos
	[[ "$stderr" == *"pxr-folder: contact sheet $BATS_TEST_TMPDIR/o/sheet_train.png"* ]] || fail "$stderr"
	[[ "$stderr" == *"X is N C H W = 15 3 224 224 uint8"* ]]
	run -0 "$PY" -c 'from PIL import Image; im = Image.open("o/sheet_train.png"); print(im.size[0] == 5 * 224, im.size[1] > 2 * 224)'
	assert_output "True True"
	# The ten it drew: distinct.
	run -0 bash -c 'pxr-unpack --tensor o/X_train.raw --random 10 --seed 1 | pxr-cat | cut -f1 | sort | uniq -d | wc -l'
	assert_output "0"
}
