#!/usr/bin/env bats
# pxr-list: sources to encoded-image records, in sorted-name order.
bats_require_minimum_version 1.5.0

setup() {
	load test_helper/common
	load test_helper/list
	cd "$BATS_TEST_TMPDIR"
	BAD=$TESTDATA/tar
}

@test "pxr-list: a tree, a tar, a tar of tars, a tar.gz and stdin give the same names and indices" {
	mktree tree
	mktars "$PWD/tree" "$PWD/t"
	pxr-list tree > tree.pxr
	pxr-list t/flat.tar > flat.pxr
	pxr-list t/nested.tar > nested.pxr
	pxr-list t/flat.tar.gz > gz.pxr
	pxr-list --index idx t/nested.tar
	pxr-list --from-index idx - < t/nested.tar > stdin.pxr
	want="0	n01440764/n01440764_10026.JPEG
1	n01440764/n01440764_2.JPEG
2	n01443537/n01443537_1.jpg
3	n01443537/n01443537_7.png
4	n01484850/sub/n01484850_5.jpeg"
	for s in tree flat nested gz stdin; do
		run -0 names_of $s.pxr
		assert_output "$want"
	done
	# The payload is the file's bytes, whatever the source.
	readstream < nested.pxr > nested.json
	run -0 grep -c "$(sha256sum tree/n01443537/n01443537_7.png | cut -c1-64)" nested.json
	assert_output 1
	# Into a pipe the payloads are spliced from the files: the same bytes.
	for s in tree t/flat.tar t/nested.tar t/flat.tar.gz; do
		pxr-list "$s" | cat > piped.pxr
		pxr-list "$s" > file.pxr
		cmp piped.pxr file.pxr || fail "$s: through a pipe differs"
	done
	cmp piped.pxr gz.pxr
	pxr-list tree | cmp - tree.pxr
}

@test "pxr-list: stdin without an index numbers images in the archive's order" {
	mktree tree
	mktars "$PWD/tree" "$PWD/t"
	run -0 bash -c 'pxr-list < t/flat.tar | pxr-cat | cut -f1,5'
	assert_line --index 0 "0	n01484850/sub/n01484850_5.jpeg"
	assert_equal "${#lines[@]}" 5
}

@test "pxr-list: shards are disjoint and together complete, and keep global indices" {
	mktree tree
	pxr-list --index idx tree
	for k in 1 2 3; do pxr-list --from-index idx --shard $k/3 | pxr-cat | cut -f1; done > all.txt
	run -0 sort -n all.txt
	assert_output "$(seq 0 4)"
	run -0 pxr-list --from-index idx --shard 3/3 --names
	assert_output "$(printf '3\tn01443537/n01443537_7.png\n4\tn01484850/sub/n01484850_5.jpeg')"
	run -0 pxr-list --from-index idx --range 1:3 --count
	assert_output 2
	run -2 --separate-stderr pxr-list --from-index idx --shard 4/3
	assert_equal "$stderr" "pxr-list: --shard 4/3: K must be 1 to N"
}

@test "pxr-list: a shard of an uncompressed tar reads only its own members" {
	mktree tree
	mktars "$PWD/tree" "$PWD/t"
	pxr-list --index idx t/nested.tar
	# LeakSanitizer cannot run under ptrace (make check).
	ASAN_OPTIONS=detect_leaks=0 strace -e trace=openat,pread64 -o trace pxr-list --from-index idx --range 2:3 > one.pxr
	fd=$(sed -n 's/^openat(.*nested\.tar", .*) = \([0-9]*\)$/\1/p' trace)
	sed -i '0,/nested\.tar/d' trace	# the loader's own preads come first
	run -0 grep -c "^pread64($fd, " trace
	assert_output 1
	size=$(stat -c %s tree/n01443537/n01443537_1.jpg)
	run -0 grep -c "^pread64($fd, .*, $size, [0-9]*) = $size$" trace
	assert_output 1
	run -0 names_of one.pxr
	assert_output "2	n01443537/n01443537_1.jpg"
}

@test "pxr-list: --skip-done leaves out images whose status byte is 1, not failed ones" {
	mktree tree
	printf '\001\000\002\001\000' > X.status
	run -0 bash -c 'pxr-list --skip-done X.status tree | pxr-cat | cut -f1'
	assert_output "$(printf '1\n2\n4')"
}

@test "pxr-list: --count, --names and --match" {
	mktree tree
	run -0 pxr-list --count tree
	assert_output 5
	run -0 pxr-list --count --match '*.png' tree
	assert_output 1
	run -0 pxr-list --names --match '*.txt' tree
	assert_output "0	n01484850/README.txt"
}

@test "pxr-list: a single image file is one record named by its basename" {
	mkjpeg 8 8 one.JPEG
	run -0 bash -c 'pxr-list one.JPEG | pxr-cat | cut -f1,2,5,6'
	assert_output "0	encoded	one.JPEG	$(stat -c %s one.JPEG)"
}

@test "pxr-list: a tar of tars from the test data gives its 7 images, labels' classes in the names" {
	run -0 bash -c "pxr-list $BAD/syn-train-mini.tar | pxr-cat | cut -f5"
	assert_output "n01440764/n01440764_10026.JPEG
n01440764/n01440764_10027.JPEG
n01440764/n01440764_10029.JPEG
n01739381/n01739381_1309.JPEG
n01739381/n01739381_1310.JPEG
n02105855/n02105855_2933.JPEG
n02105855/n02105855_2934.JPEG"
}

@test "pxr-list: a truncated inner tar loses only its cut members, the others go on, exit 1" {
	run -1 --separate-stderr bash -c "pxr-list $BAD/syn-train-inner-truncated.tar > out.pxr"
	[[ "$stderr" == *"n01443537/n01443537_2.JPEG: truncated"* ]]
	run -0 bash -c 'pxr-cat out.pxr | cut -f5'
	assert_output "n01440764/n01440764_1.JPEG
n01440764/n01440764_2.JPEG
n01443537/n01443537_1.JPEG
n01484850/n01484850_1.JPEG
n01484850/n01484850_2.JPEG"
}

@test "pxr-list: an archive cut inside a member delivers the members before it and names the place" {
	run -1 --separate-stderr bash -c "pxr-list $BAD/syn-truncated-mid-member.tar > out.pxr"
	[[ "$stderr" == *"syn-truncated-mid-member.tar: byte 12800: Truncated input file"* ]]
	run -0 bash -c 'pxr-cat out.pxr | cut -f5'
	assert_output "n01440764_1.JPEG
n01440764_2.JPEG"
}

@test "pxr-list: a gzip stream cut short gives the whole members and a failure record for the cut one" {
	run -1 --separate-stderr bash -c "pxr-list $BAD/syn-val-mini-truncated.tar.gz > out.pxr"
	run -0 bash -c 'set -o pipefail; pxr-cat out.pxr | cut -f1,2,5 || [ $? = 1 ]'
	assert_line --index 3 "3	encoded	ILSVRC2012_val_00000004.JPEG"
	assert_line --index 4 "4	failure	ILSVRC2012_val_00019877.JPEG"
}

@test "pxr-list: a damaged header checksum is reported as a loss, not skipped silently" {
	run -1 --separate-stderr bash -c "pxr-list $BAD/syn-bad-checksum-member2.tar > out.pxr"
	[[ "$stderr" == *"Damaged tar archive: skipping to the next good header; a member is lost"* ]]
	run -0 bash -c 'pxr-cat out.pxr | cut -f5'
	assert_output "n01443537_1.JPEG
n01443537_3.JPEG
n01443537_4.JPEG"
}

@test "pxr-list: not an archive, and hostile headers, are clear errors without a crash" {
	for f in syn-not-a-tar.tar syn-first-100-bytes.tar go-issue10968.tar go-neg-size.tar; do
		run -2 --separate-stderr pxr-list "$BAD/$f"
		assert_output ""
		[[ "$stderr" == *"$f: not an archive: Unrecognized archive format"* ]]
	done
	for f in go-writer-big.tar la-test_read_format_tar_pax_g_large.tar la-test_read_format_tar_invalid_pax_size.tar go-issue11169.tar; do
		run -1 --separate-stderr timeout 20 pxr-list "$BAD/$f"
		[[ "$stderr" == *"$f: byte "* ]]
	done
}

@test "pxr-list: empty archives and files say there are no images" {
	run -0 --separate-stderr pxr-list "$BAD/syn-empty-archive.tar"
	assert_equal "$stderr" "pxr-list: no images found"
	run -1 --separate-stderr pxr-list "$BAD/syn-empty.tar"
	[[ "$stderr" == *"syn-empty.tar: empty file (0 bytes): no images"* ]]
}

@test "pxr-list: names are kept byte-exact, long, spaced and UTF-8, in a C locale too" {
	run -0 bash -c "LC_ALL=C pxr-list $BAD/syn-names-gnu.tar | pxr-cat | cut -f5"
	assert_line --index 2 "n01440764/with space.JPEG"
	assert_line --index 4 "n01440764/ñandú 鳥 café.JPEG"
	[ "${#lines[1]}" -gt 300 ]
}

@test "pxr-list: the later of two members with one name wins, with a warning" {
	run -0 --separate-stderr bash -c "pxr-list $BAD/syn-duplicate-names.tar > out.pxr"
	assert_equal "$stderr" "pxr-list: n01440764/n01440764_1.JPEG: duplicate name: the later copy wins"
	want=$(tar -xO --occurrence=2 -f "$BAD/syn-duplicate-names.tar" n01440764/n01440764_1.JPEG | sha256sum | cut -c1-64)
	readstream < out.pxr > out.json
	run -0 bash -c "grep '\"index\": 0,' out.json | grep -c $want"
	assert_output 1
}

@test "pxr-list: names escaping the root are refused; directories, links and non-images skipped" {
	"$PY" - <<-'PY'
	import io, tarfile
	with tarfile.open("hostile.tar", "w") as t:
	    for name in ["../evil.JPEG", "/etc/abs.JPEG", "ok/../../x.jpg", "good/a.jpg"]:
	        data = b"\xff\xd8\xff\xd9"
	        info = tarfile.TarInfo(name); info.size = len(data)
	        t.addfile(info, io.BytesIO(data))
	PY
	run -1 --separate-stderr bash -c 'pxr-list hostile.tar > out.pxr'
	errs=$stderr
	run -0 bash -c 'pxr-cat out.pxr | cut -f5'
	assert_output "good/a.jpg"
	stderr=$errs
	[[ "$stderr" == *"member name with '..' escapes the archive's root: ../evil.JPEG: refused"* ]]
	[[ "$stderr" == *"absolute member name escapes the archive's root: /etc/abs.JPEG: refused"* ]]
	run -0 bash -c "pxr-list $BAD/syn-mixed-entries.tar | pxr-cat | cut -f5"
	assert_output "n01440764/n01440764_1.JPEG
n01440764/n01440764_2.JPEG"
}

@test "pxr-list: concatenated tars are read to the end" {
	run -0 bash -c "pxr-list --match '*' $BAD/la-test_read_format_tar_concatenated.tar | pxr-cat | cut -f5"
	assert_output "file1
file2"
}

@test "pxr-list: an unreadable file in a tree becomes a failure record, the rest goes on" {
	mktree tree
	pxr-list --index idx tree
	rm tree/n01443537/n01443537_1.jpg
	run -1 --separate-stderr bash -c 'pxr-list --from-index idx > out.pxr'
	[[ "$stderr" == *"n01443537/n01443537_1.jpg#2: No such file or directory"* ]]
	run -0 bash -c 'pxr-cat out.pxr | cut -f1,2'
	assert_output "$(printf '0\tencoded\n1\tencoded\n2\tfailure\n3\tencoded\n4\tencoded')"
}

@test "pxr-list: symbolic links are followed, and loops do not hang" {
	mktree tree
	mkdir linked
	ln -s "$PWD/tree/n01440764" linked/n01440764
	ln -s . linked/loop
	run -0 --separate-stderr timeout 20 bash -c 'pxr-list --names linked'
	assert_output "$(printf '0\tn01440764/n01440764_10026.JPEG\n1\tn01440764/n01440764_2.JPEG')"
}

@test "pxr-list: usage errors exit 2 with nothing on stdout" {
	run -2 --separate-stderr pxr-list --bogus
	assert_output ""
	run -2 --separate-stderr pxr-list nosuchdir
	assert_equal "$stderr" "pxr-list: nosuchdir: No such file or directory"
	run -2 --separate-stderr pxr-list --index x -
	assert_equal "$stderr" "pxr-list: --index needs seekable sources, not stdin"
	run -0 pxr-list --help
	assert_line --index 0 --partial "usage: pxr-list"
}

@test "pxr-list: -f and --skip-done, which only records use, are refused with --count, --names and --index, exit 2" {
	load test_helper/usage
	mktree tree
	printf '\001\000\002\001\000' > X.status
	refused "pxr-list: --force does not go with --count" pxr-list --count -f tree
	refused "pxr-list: --force does not go with --names" pxr-list -f --names tree
	refused "pxr-list: --force does not go with --index" pxr-list -f --index idx tree
	refused "pxr-list: --skip-done does not go with --count" pxr-list --count -k X.status tree
	refused "pxr-list: --skip-done does not go with --names" pxr-list --names --skip-done X.status tree
	refused "pxr-list: --skip-done does not go with --index" pxr-list --index idx -k X.status tree
	[ ! -e idx ]
}

@test "pxr-list: --shard of the standard input without an index is refused; --range of it works" {
	run -2 --separate-stderr bash -c "pxr-list --shard 2/2 - < '$BAD/syn-val-mini.tar'"
	assert_output ""
	assert_equal "$stderr" "pxr-list: --shard of the standard input needs its index (--from-index): the number of images is not known before the end"
	run -0 bash -c "pxr-list --range 1:3 - < '$BAD/syn-val-mini.tar' | pxr-cat | cut -f1"
	assert_output "$(printf '1\n2')"
	pxr-list --index idx "$BAD/syn-val-mini.tar"
	run -0 bash -c "pxr-list --from-index idx --shard 2/2 - < '$BAD/syn-val-mini.tar' | pxr-cat | cut -f1 | xargs"
	assert_output "2 3 4"
}

@test "pxr-list: --skip-done reads a status file from a pipe" {
	printf '\001\000\001\002\000' > st
	run -0 bash -c "pxr-list --skip-done <(cat st) '$BAD/syn-val-mini.tar' | pxr-cat | cut -f1 | xargs"
	assert_output "1 3 4"
}

@test "pxr-list: a file named on the command line is told by its content, unless its name says archive" {
	cp "$TESTDATA/jpeg/ljt-testorig.jpg" photo.mpo
	run -0 bash -c 'pxr-list photo.mpo | pxr-cat | cut -f2,5'
	assert_output "encoded	photo.mpo"
	# A JPEG named .tar is a broken archive, not an image.
	run -2 --separate-stderr pxr-list "$BAD/syn-not-a-tar.tar"
	[[ "$stderr" == *"not an archive"* ]]
}

@test "pxr-list: a lone zero block and junk after a tar's end lose nothing; junk before a member does" {
	mkjpeg 20 10 a.jpg
	mkjpeg 30 10 b.jpg
	tar --format=gnu -cf full.tar a.jpg b.jpg
	"$PY" - <<-'PY'
	import os, tarfile
	t = tarfile.open("full.tar")
	last = t.getmembers()[-1]
	end = last.offset_data + (last.size + 511) // 512 * 512
	data = open("full.tar", "rb").read()
	junk = bytes(range(256)) * 6
	open("lone.tar", "wb").write(data[:end] + bytes(512) + junk + bytes(4096))
	# junk where a header should be, then a member: one is lost
	first = t.getmembers()[1].offset - 512
	open("lost.tar", "wb").write(data[:first] + junk + data[first:])
	PY
	run -0 tar -tf lone.tar
	run -0 --separate-stderr bash -c 'pxr-list lone.tar | pxr-cat | cut -f5 | xargs'
	assert_output "a.jpg b.jpg"
	assert_equal "$stderr" ""
	run -1 --separate-stderr bash -c 'pxr-list lost.tar > /dev/null'
	[[ "$stderr" == *"a member is lost"* ]]
}

@test "pxr-list: a non-blocking standard output is waited for, not a write error" {
	# More than a pipe holds (pxr grows its pipes to 1 MiB): 5.9 MB.
	for i in 1 2 3 4 5; do
		mkdir -p "big/c$i"
		cp -r "$TESTDATA/photos/train/." "big/c$i/"
	done
	tar -cf big.tar -C big .
	run -0 "$PY" - big.tar <<-'PY'
	import fcntl, os, subprocess, sys, time
	r, w = os.pipe()
	fcntl.fcntl(w, fcntl.F_SETFL, fcntl.fcntl(w, fcntl.F_GETFL) | os.O_NONBLOCK)
	p = subprocess.Popen(["pxr-list", sys.argv[1]], stdout=w, stderr=subprocess.PIPE)
	os.close(w)
	time.sleep(0.5)  # the pipe fills: writes would fail with EAGAIN
	data = b""
	while True:
	    b = os.read(r, 65536)
	    if not b:
	        break
	    data += b
	p.wait()
	print(p.returncode, len(data) > 5000000, p.stderr.read().decode())
	PY
	assert_output "0 True "
}

@test "pxr-list: a folder it runs out of memory reading is reported, exit 1; the other folders are listed" {
	# failstrdup.c makes strdup fail, as when memory runs out, for a
	# name with "pxr-oom" in it: the folder c/ cannot be held.
	cc -shared -fPIC -o failstrdup.so "$TOP/tests/test_helper/failstrdup.c"
	mkdir -p t/c t/d
	cp "$TESTDATA/imagenet/n01739381_1309.JPEG" t/c/pxr-oom.jpg
	cp "$TESTDATA/imagenet/n01739381_1309.JPEG" t/d/a.jpg
	cp "$TESTDATA/imagenet/n02105855_2933.JPEG" t/d/b.jpg
	# An ASan build wants its runtime first; this shim only replaces strdup.
	export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
	run -1 --separate-stderr env LD_PRELOAD="$PWD/failstrdup.so" pxr-list --names t
	assert_output "0	d/a.jpg
1	d/b.jpg"
	# pxr-list names the folder by its real path.
	assert_equal "$stderr" "pxr-list: $(pwd -P)/t/c: out of memory: the rest of this folder is not listed"
}

@test "pxr-list: a zip inside a tar is read in place, seeking inside its window and never reading past it" {
	"$PY" - <<-'PY'
	import io, tarfile, zipfile
	def add(t, name, data):
	    i = tarfile.TarInfo(name); i.size = len(data); t.addfile(i, io.BytesIO(data))
	zb = io.BytesIO()
	with zipfile.ZipFile(zb, "w") as z:
	    z.writestr("a.jpg", b"zip a")
	    z.writestr("sub/b.jpg", b"zip b" * 100)
	    cd = z.start_dir
	with tarfile.open("outer.tar", "w", format=tarfile.USTAR_FORMAT) as t:
	    add(t, "first.jpg", b"first")
	    add(t, "cls.zip", zb.getvalue())
	    add(t, "last.jpg", b"last")
	m = tarfile.open("outer.tar").getmember("cls.zip")
	# the zip's bytes in the tar, and its central directory's offset
	open("zip.at", "w").write("%d %d %d\n" % (m.offset_data, m.offset_data + m.size, m.offset_data + cd))
	PY
	ASAN_OPTIONS=detect_leaks=0 strace -e trace=pread64 -o trace pxr-list --names outer.tar > names.txt
	assert_equal "$(cat names.txt)" "$(printf '0\tcls/a.jpg\n1\tcls/sub/b.jpg\n2\tfirst.jpg\n3\tlast.jpg')"
	read -r start end cd < zip.at
	# Every read that begins inside the zip ends inside it, and one
	# reads its central directory: libarchive sought there.
	run -0 awk -v s="$start" -v e="$end" -v cd="$cd" '
		match($0, /, [0-9]+, [0-9]+\) = /) {
			split(substr($0, RSTART + 2, RLENGTH - 6), f, ", ")
			if (f[2] >= s && f[2] < e) { n++; if (f[2] + f[1] > e) bad++ }
			if (f[2] == cd) sought++
		}
		END { print (n > 0), bad + 0, (sought > 0) }' trace
	assert_output "1 0 1"
	pxr-list outer.tar > out.pxr
	run -0 payloads_of out.pxr
	assert_output "0	encoded	cls/a.jpg	zip a
1	encoded	cls/sub/b.jpg	$(printf 'zip b%.0s' {1..100})
2	encoded	first.jpg	first
3	encoded	last.jpg	last"
}

@test "pxr-list: an index cut short (in a line, at a line end, to its header) is refused, exit 2; the whole one is read" {
	mktree tree
	pxr-list --index idx tree
	run -0 --separate-stderr pxr-list --from-index idx --names
	assert_equal "${#lines[@]}" 5
	assert_equal "$stderr" ""
	size=$(stat -c %s idx)
	# header, one source, five images: seven lines
	assert_equal "$(wc -l < idx)" 7
	line4=$(head -n 3 idx | wc -c)
	refused() {	# refused CUT-FILE WHAT: "pxr-list: CUT-FILEWHAT"
		run -2 --separate-stderr pxr-list --from-index "$1"
		assert_output ""
		assert_equal "$stderr" "pxr-list: $1$2"
	}
	head -c $((size - 1)) idx > no-newline
	refused no-newline ": index cut short: line 7 ends without a newline"
	head -c $((size - 6)) idx > in-name
	refused in-name ": index cut short: line 7 ends without a newline"
	head -c $((line4 + 3)) idx > in-line-4
	refused in-line-4 ": index cut short: line 4 ends without a newline"
	head -n 5 idx > at-line-end
	refused at-line-end ": index cut short or damaged: it holds 1 sources and 3 images, its header says 1 and 5"
	head -n 1 idx > header-only
	refused header-only ": index cut short or damaged: it holds 0 sources and 0 images, its header says 1 and 5"
	head -c 20 idx > in-header
	refused in-header ": index cut short: line 1 ends without a newline"
	: > empty
	refused empty ": empty file: not a pxr-list index (version 1 to 4)"
	{ cat idx; tail -n 1 idx; } > extra-line
	refused extra-line ":8: malformed index line: images not numbered 0, 1, 2, ..."
	sed '3s/^0\t0\t/0\t9\t/' idx > bad-source
	refused bad-source ":3: malformed index line: a source number that no source line has"
	awk 'BEGIN { FS = OFS = "\t" } NR == 4 { $4 = "ten" } 1' idx > bad-size
	refused bad-size ":4: malformed index line: a size that is not a number, or too large"
	sed '2s/\t[^\t]*$//' idx > no-folder
	refused no-folder ":2: malformed index line: not 7 fields (source, number, kind, path, prefix, signature, folder)"
	awk 'BEGIN { FS = OFS = "\t" } NR == 2 { $7 = "a/../b" } 1' idx > bad-folder
	refused bad-folder ":2: malformed index line: a folder that is badly escaped or not a folder path"
	sed '/^source/!s/\t[^\t]*$//' idx > no-copy
	refused no-copy ":3: malformed index line: not 6 fields (index, source, offset, size, name, copy)"
	# --names and the records alike.
	run -2 --separate-stderr pxr-list --from-index at-line-end --names
	assert_output ""
	# An index of version 3 (no folder field), 2 (no signature either)
	# and 1 (no prefix, no copy fields either) are still read.
	sed '1s/index 4:/index 3:/; /^source/s/\t[^\t]*$//' idx > v3
	run -0 --separate-stderr pxr-list --from-index v3 --names
	assert_output "$(pxr-list --from-index idx --names)"
	assert_equal "$stderr" ""
	sed '1s/index 3:/index 2:/; /^source/s/\t[^\t]*$//' v3 > v2
	run -0 --separate-stderr pxr-list --from-index v2 --names
	assert_output "$(pxr-list --from-index idx --names)"
	assert_equal "$stderr" ""
	sed '1s/index 2:/index 1:/; s/\t[^\t]*$//' v2 > v1
	run -0 --separate-stderr pxr-list --from-index v1 --names
	assert_output "$(pxr-list --from-index idx --names)"
	assert_equal "$stderr" ""
}

@test "pxr-list: --index writes a temporary file, syncs it, renames it over the index, then syncs its folder" {
	mktree tree
	mkdir sub
	echo old > sub/idx
	ASAN_OPTIONS=detect_leaks=0 strace -e trace=openat,fsync,rename -o trace pxr-list --index sub/idx tree
	run -0 awk '
		/openat\(.*"sub\/idx\.[0-9]+\.tmp", O_WRONLY/ { tmp = $NF; print "open tmp" }
		tmp != "" && $0 ~ "^fsync\\(" tmp "\\) += 0$" { print "sync tmp" }
		/^rename\("sub\/idx\.[0-9]+\.tmp", "sub\/idx"\) += 0$/ { print "rename"; tmp = "" }
		/openat\(AT_FDCWD, "sub", O_RDONLY.*O_DIRECTORY/ { dir = $NF; print "open folder" }
		dir != "" && $0 ~ "^fsync\\(" dir "\\) += 0$" { print "sync folder"; dir = "" }' trace
	assert_output "open tmp
sync tmp
rename
open folder
sync folder"
	run -0 pxr-list --from-index sub/idx --count
	assert_output 5
	run -0 ls sub
	assert_output idx
}

@test "pxr-list: of members with one name the last wins in a tar, tar.gz, tar.bz2, tar.xz, zip and cpio: one record each, dense indices, a warning per earlier copy" {
	mkdups
	want="0	encoded	a.jpg	a2
1	encoded	b.jpg	b3
2	encoded	c.jpg	c1"
	warn="pxr-list: a.jpg: duplicate name: the later copy wins
pxr-list: b.jpg: duplicate name: the later copy wins
pxr-list: b.jpg: duplicate name: the later copy wins"
	for f in dup.tar dup.tar.gz dup.tar.bz2 dup.tar.xz dup.zip dup.cpio; do
		run -0 --separate-stderr bash -c "pxr-list $f > $f.pxr"
		assert_equal "$stderr" "$warn"
		run -0 payloads_of "$f.pxr"
		assert_output "$want"
		# The earlier copies are not counted either.
		run -0 --separate-stderr bash -c "pxr-list -v $f > /dev/null"
		assert_equal "${stderr##*$'\n'}" "pxr-list: 3 images, 0 members skipped (not images, directories, links), 0 names refused, 3 duplicates, 0 damaged places, 0 failure records"
		# The index says the same, once; what it sends, from the
		# file, from the standard input or in shards, too.
		run -0 --separate-stderr pxr-list --index "$f.idx" "$f"
		assert_equal "$stderr" "$warn"
		run -0 --separate-stderr pxr-list --from-index "$f.idx" --names
		assert_output "$(printf '0\ta.jpg\n1\tb.jpg\n2\tc.jpg')"
		assert_equal "$stderr" ""
		for how in "" "- < $f"; do
			run -0 --separate-stderr bash -c "pxr-list --from-index $f.idx $how > from.pxr"
			assert_equal "$stderr" ""
			run -0 payloads_of from.pxr
			assert_output "$want"
		done
		pxr-list --from-index "$f.idx" --shard 1/2 > shards.pxr
		pxr-list --from-index "$f.idx" --shard 2/2 >> shards.pxr
		run -0 payloads_of shards.pxr
		assert_output "$want"
	done
	# The one exception (pxr-list(1)): the standard input without an
	# index is sent as it comes, every copy numbered in turn.
	run -0 --separate-stderr bash -c 'pxr-list - < dup.tar.gz > stdin.pxr'
	assert_equal "$stderr" ""
	run -0 payloads_of stdin.pxr
	assert_output "0	encoded	b.jpg	b1
1	encoded	a.jpg	a1
2	encoded	b.jpg	b2
3	encoded	c.jpg	c1
4	encoded	b.jpg	b3
5	encoded	a.jpg	a2"
}

@test "pxr-list: the last copy of a name wins across the archives inside a tar or a tree, read in place or in sequence" {
	"$PY" - <<-'PY'
	import io, os, tarfile, zipfile
	def tar(path, members, mode="w"):
	    with tarfile.open(path, mode, format=tarfile.USTAR_FORMAT) as t:
	        for name, data in members:
	            i = tarfile.TarInfo(name); i.size = len(data)
	            t.addfile(i, io.BytesIO(data))
	os.makedirs("in")
	tar("in/x.tar", [("a.jpg", b"p1"), ("b.jpg", b"p2")])
	tar("in/x.tar.gz", [("a.jpg", b"g1"), ("d.jpg", b"g2")], "w:gz")
	with zipfile.ZipFile("in/x.zip", "w") as z:
	    z.writestr("a.jpg", b"z1")
	    z.writestr("c.jpg", b"z2")
	# x.tar is read in place, x.tar.gz and x.zip in sequence; all three
	# name their images x/...
	tar("zip-last.tar", [(n, open("in/" + n, "rb").read()) for n in ["x.tar", "x.tar.gz", "x.zip"]])
	tar("tar-last.tar", [(n, open("in/" + n, "rb").read()) for n in ["x.tar.gz", "x.zip", "x.tar"]])
	PY
	run -0 --separate-stderr bash -c 'pxr-list zip-last.tar > zip-last.pxr'
	assert_equal "$stderr" "pxr-list: x/a.jpg: duplicate name: the later copy wins
pxr-list: x/a.jpg: duplicate name: the later copy wins"
	run -0 payloads_of zip-last.pxr
	assert_output "0	encoded	x/a.jpg	z1
1	encoded	x/b.jpg	p2
2	encoded	x/c.jpg	z2
3	encoded	x/d.jpg	g2"
	pxr-list tar-last.tar > tar-last.pxr
	run -0 payloads_of tar-last.pxr
	assert_output "0	encoded	x/a.jpg	p1
1	encoded	x/b.jpg	p2
2	encoded	x/c.jpg	z2
3	encoded	x/d.jpg	g2"
	# A tree: x/a.jpg itself, then x.tar.gz's and x.zip's (the walk's
	# sorted order), each archive a source of its own.
	mkdir -p tree/x
	printf f1 > tree/x/a.jpg
	cp in/x.tar.gz in/x.zip tree/
	pxr-list --index idx tree 2> /dev/null
	for how in "tree" "--from-index idx"; do
		run -0 --separate-stderr bash -c "pxr-list $how > tree.pxr"
		run -0 payloads_of tree.pxr
		assert_output "0	encoded	x/a.jpg	z1
1	encoded	x/c.jpg	z2
2	encoded	x/d.jpg	g2"
	done
}

# records_of STREAM: its records as JSON lines (payloads as SHA-256), in
# text order: two streams of the same records in any order compare equal.
records_of() {
	readstream < "$1" | sort
}

@test "pxr-list: --under DIR of an ImageFolder archive (-C ds ., -C parent ds, -C ds train val; tar, tar.gz, zip) gives the records of the folder itself" {
	mksplits
	for split in train val; do
		pxr-list "ds/$split" > "$split.pxr"
		records_of "$split.pxr" > "$split.want"
		pxr-list --names "ds/$split" > "$split.names"
		# stdin numbers in the archive's order: the records but their
		# indices
		sed 's/"index": [0-9]*, //' "$split.want" > "$split.noindex"
	done
	assert_equal "$(cut -f2 train.names | xargs)" "cat/1.jpg cat/2.jpg dog/3.jpg dog/sub/4.jpg"
	for shape in dot top bare; do
		for a in $shape.tar $shape.tar.gz $shape.zip; do
			for split in train val; do
				dir=$split
				[ $shape = top ] && dir=ds/$split
				run -0 --separate-stderr bash -c "pxr-list --under $dir $a > got.pxr"
				assert_equal "$stderr" ""
				run -0 records_of got.pxr
				assert_output "$(cat "$split.want")"
				run -0 --separate-stderr pxr-list --names --under "$dir/" "$a"
				assert_output "$(cat "$split.names")"
				run -0 pxr-list --count --under "$dir" "$a"
				assert_output "$(wc -l < "$split.names")"
				run -0 --separate-stderr bash -c "pxr-list --under $dir - < $a > stdin.pxr"
				assert_equal "$stderr" ""
				readstream < stdin.pxr | sed 's/"index": [0-9]*, //' | sort > stdin.noindex
				assert_equal "$(cat stdin.noindex)" "$(cat "$split.noindex")"
			done
		done
	done
	# Without --under, the same archive lists the names with the folder
	# (leading ./ dropped).
	run -0 pxr-list --names dot.tar
	assert_line --index 0 "0	train/cat/1.jpg"
}

@test "pxr-list: --under with --index, --from-index (file, stdin), --shard, --range, --skip-done and -v reads the folder's members" {
	load test_helper/usage
	mksplits
	pxr-list ds/train > want.pxr
	records_of want.pxr > want
	pxr-list --names ds/train > names
	run -0 --separate-stderr pxr-list -v --count ds/train
	verbose=$stderr
	for a in dot.tar top.tar.gz bare.zip ds; do
		dir=train
		[ $a = top.tar.gz ] && dir=ds/train
		run -0 --separate-stderr pxr-list --under $dir --index idx $a
		assert_equal "$stderr" ""
		# The index keeps the folder on the source's line (version 4).
		assert_equal "$(head -n 1 idx)" "# pxr-list index 4: 1 sources, 4 images"
		assert_equal "$(sed -n 2p idx | cut -f3,4)" "$(printf '%s\t%s' "$([ -d $a ] && echo dir || echo archive)" "$(realpath $a)")"
		assert_equal "$(sed -n 2p idx | cut -f7)" "$dir"
		for how in "" "$a" "- < $a"; do
			[ -d $a ] && [ "${how:0:1}" = - ] && continue
			run -0 --separate-stderr bash -c "pxr-list --from-index idx $how > got.pxr"
			assert_equal "$stderr" ""
			run -0 records_of got.pxr
			assert_output "$(cat want)"
		done
		for k in 1 2 3; do pxr-list --from-index idx --shard $k/3; done > shards.pxr
		run -0 records_of shards.pxr
		assert_output "$(cat want)"
		run -0 pxr-list --from-index idx --names --range 1:3
		assert_output "$(sed -n 2,3p names)"
		printf '\001\000\001\000' > X.status
		run -0 bash -c "pxr-list --under $dir --skip-done X.status $a | pxr-cat | cut -f1,5 | sort"
		assert_output "$(printf '1\tcat/2.jpg\n3\tdog/sub/4.jpg')"
		run -0 --separate-stderr pxr-list -v --count --under $dir $a
		assert_output 4
		assert_equal "$stderr" "$verbose"
	done
	refused "pxr-list: --under does not go with --from-index" pxr-list --from-index idx --under train
}

@test "pxr-list: --under a folder no source has is an error naming both, exit 2; an empty folder lists no image, exit 0; a DIR not a folder path is a usage error" {
	mksplits
	for how in "dot.tar" "dot.tar.gz" "dot.zip" "ds" "- < dot.tar.gz"; do
		for dir in nope tra train/cat/1.jpg; do
			run -2 --separate-stderr bash -c "pxr-list --under $dir $how"
			assert_output ""
			name=${how#- < dot.tar.gz}
			assert_equal "$stderr" "pxr-list: ${name:-<stdin>}: no folder '$dir' in it"
		done
	done
	run -2 --separate-stderr pxr-list --under train ds/train/cat/1.jpg
	assert_output ""
	assert_equal "$stderr" "pxr-list: ds/train/cat/1.jpg: no folder 'train' in it"
	# A folder that is there with no image in it, and a file that has
	# the folder's name.
	mkdir -p e/empty e/x
	echo "not a folder" > e/train
	cp ds/val/cat/5.jpg e/x/
	tar cf e.tar -C e .
	for s in e.tar e; do
		run -0 --separate-stderr pxr-list --count --under empty $s
		assert_output 0
		assert_equal "$stderr" "pxr-list: no images found"
		run -2 --separate-stderr pxr-list --under train $s
		assert_output ""
		assert_equal "$stderr" "pxr-list: $s: no folder 'train' in it"
	done
	for dir in /train ./train train//cat train/./cat .. train/.. ""; do
		run -2 --separate-stderr pxr-list --under "$dir" dot.tar
		assert_output ""
		assert_equal "$stderr" "pxr-list: --under wants a folder path below the source's top (no leading /, no empty, . or .. part), not '$dir'"
	done
}

@test "pxr-list: --under passes over what lies outside the folder unseen, reads an archive inside the source that holds it, and refuses a name escaping from it" {
	"$PY" - <<-'PY'
	import io, tarfile
	def add(t, name, data):
	    i = tarfile.TarInfo(name); i.size = len(data); t.addfile(i, io.BytesIO(data))
	inner = io.BytesIO()
	with tarfile.open(fileobj=inner, mode="w", format=tarfile.USTAR_FORMAT) as t:
	    add(t, "cls/in.jpg", b"inner")
	with tarfile.open("mixed.tar", "w", format=tarfile.USTAR_FORMAT) as t:
	    add(t, "../evil.jpg", b"x")
	    add(t, "val/notes.txt", b"x")
	    add(t, "train.tar", inner.getvalue())
	    add(t, "train/cls/a.jpg", b"a")
	    add(t, "trainer/cls/b.jpg", b"b")
	with tarfile.open("escape.tar", "w", format=tarfile.USTAR_FORMAT) as t:
	    add(t, "train/cls/a.jpg", b"a")
	    add(t, "train/../../x.jpg", b"x")
	PY
	# Outside train: a name refused, a text file, trainer/: nothing said.
	run -1 --separate-stderr bash -c 'pxr-list mixed.tar > /dev/null'
	[[ "$stderr" == *"../evil.jpg: refused"* ]]
	run -0 --separate-stderr bash -c 'pxr-list -v --under train mixed.tar > out.pxr'
	assert_equal "$stderr" "pxr-list: 2 images, 0 members skipped (not images, directories, links), 0 names refused, 0 duplicates, 0 damaged places, 0 failure records"
	run -0 payloads_of out.pxr
	assert_output "0	encoded	cls/a.jpg	a
1	encoded	cls/in.jpg	inner"
	# The same from the standard input, and gzipped.
	run -0 --separate-stderr bash -c 'pxr-list --under train - < mixed.tar > stdin.pxr'
	assert_equal "$stderr" ""
	run -0 payloads_of stdin.pxr
	assert_output "0	encoded	cls/in.jpg	inner
1	encoded	cls/a.jpg	a"
	gzip -k mixed.tar
	run -0 --separate-stderr bash -c 'pxr-list --under train mixed.tar.gz > gz.pxr'
	run -0 payloads_of gz.pxr
	assert_output "0	encoded	cls/a.jpg	a
1	encoded	cls/in.jpg	inner"
	# A name in the folder that escapes the root is refused, exit 1.
	run -1 --separate-stderr bash -c 'pxr-list --under train escape.tar > esc.pxr'
	assert_equal "${#stderr_lines[@]}" 1
	[[ "$stderr" == "pxr-list: $(pwd -P)/escape.tar: byte "*": member name with '..' escapes the archive's root: train/../../x.jpg: refused" ]]
	run -0 payloads_of esc.pxr
	assert_output "0	encoded	cls/a.jpg	a"
}

# dims_of_decode STREAM: "index<TAB>width<TAB>height" of each decoded
# image, sorted by index.
dims_of_decode() {
	pxr-decode "$1" 2> /dev/null | pxr-cat | awk -F'\t' '$2 == "pixels" { split($3, s, "x"); print $1 "\t" s[1] "\t" s[2] }' | sort -n
}

@test "pxr-list --dims: each image's stored size from its header, as the decoder finds it, from a tree, a tar, tars in a tar and a tar.gz; the EXIF orientation; the later of two copies" {
	mktree tree
	"$PY" - tree/n01440764/n01440764_9.JPEG <<-'PY'
	import sys
	import numpy as np
	from PIL import Image
	im = Image.fromarray(np.zeros((30, 70, 3), np.uint8))
	ex = Image.Exif()
	ex[0x0112] = 6
	ex[0x010e] = "x" * 9000  # a description: the header runs past a page
	im.save(sys.argv[1], exif=ex.tobytes())
	PY
	mktars "$PWD/tree" "$PWD/t"
	want="0	40	30	1	n01440764/n01440764_10026.JPEG
1	31	47	1	n01440764/n01440764_2.JPEG
2	70	30	6	n01440764/n01440764_9.JPEG
3	20	20	1	n01443537/n01443537_1.jpg
4	17	9	1	n01443537/n01443537_7.png
5	25	25	1	n01484850/sub/n01484850_5.jpeg"
	for s in tree t/flat.tar t/nested.tar t/flat.tar.gz; do
		run -0 --separate-stderr pxr-list --dims "$s"
		assert_output "$want"
		# The decoder's sizes, and turned by the orientation (6: 30x70).
		pxr-list "$s" > in.pxr
		run -0 dims_of_decode in.pxr
		assert_output "$(printf '%s\n' "$want" | cut -f1-3)"
		run -0 bash -c "pxr-decode --exif-rotate in.pxr | pxr-cat | grep -F _9.JPEG | cut -f3"
		assert_output "30x70x3"
	done
	# --range picks as for the records; -v says what was read.
	run -0 --separate-stderr pxr-list --dims --range 4:6 -v t/nested.tar
	assert_output "$(printf '%s\n' "$want" | sed -n 5,6p)"
	[[ ${stderr_lines[0]} =~ ^"pxr-list: headers of 2 images: 0 without a size, 2 reads, "[0-9]+" bytes, "[0-2]" pages beyond the tar headers" ]]
	# Of two members of one name, the later is the image (tar's rule).
	mkjpeg 64 48 a.jpg
	mkdir later && mkjpeg 48 64 later/a.jpg
	tar -cf dup.tar a.jpg && tar -rf dup.tar -C later a.jpg && gzip -k dup.tar
	for s in dup.tar dup.tar.gz; do
		run -0 --separate-stderr pxr-list --dims "$s"
		assert_output "0	48	64	1	a.jpg"
	done
}

@test "pxr-list --dims: an image without a size is '-' and named on stderr, the others go on, exit 1; not from stdin" {
	mkdir d && cd d
	mkjpeg 40 30 good.jpg
	printf '<html>404</html>' > html.jpg
	: > empty.jpg
	head -c 120 good.jpg > cut.jpg
	printf '\xff\xd8\xff\xe0\x00\x10JFIF\x00' > soi.jpg
	"$PY" - <<-'PY'
	open("png.jpg", "wb").write(bytes.fromhex("89504e470d0a1a0a") + b"\0\0\0\x0dIHDR" + (5).to_bytes(4, "big") + (3).to_bytes(4, "big") + b"\x08\x02\0\0\0")
	PY
	tar -cf ../t.tar good.jpg html.jpg empty.jpg cut.jpg soi.jpg png.jpg
	cd ..
	for s in d t.tar; do
		run -1 --separate-stderr pxr-list --dims "$s"
		assert_output "0	-	-	-	cut.jpg
1	-	-	-	empty.jpg
2	40	30	1	good.jpg
3	-	-	-	html.jpg
4	5	3	1	png.jpg
5	-	-	-	soi.jpg"
		# Reported in the order read (the archive's), each by name and
		# index.
		mapfile -t err < <(printf '%s\n' "${stderr_lines[@]}" | sort)
		assert_equal "${#err[@]}" 4
		assert_equal "${err[0]}" "pxr-list: cut.jpg#0: the header ends early: no image size in its 120 bytes"
		assert_equal "${err[1]}" "pxr-list: empty.jpg#1: not an image: empty (0 bytes)"
		[[ ${err[2]} == "pxr-list: html.jpg#3: not an image: HTML"* ]]
		assert_equal "${err[3]}" "pxr-list: soi.jpg#5: the header ends early: no image size in its 11 bytes"
	done
	run -2 --separate-stderr pxr-list --dims - < t.tar
	assert_equal "$stderr" "pxr-list: --dims reads the images in place: not from stdin"
}
