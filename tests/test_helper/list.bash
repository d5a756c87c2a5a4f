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
