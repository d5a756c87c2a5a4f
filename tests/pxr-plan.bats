#!/usr/bin/env bats
# pxr-plan: the job as data.  Its recipes are the previous release's byte
# for byte (tests/data/previous holds that release's pipeline, which did
# the planning in bash), so that the sets that release made resume; each
# shard stage's arguments come from a plan of "key value" lines; an
# unchanged tarball is not indexed again.
bats_require_minimum_version 1.5.0

setup_file() {
	load test_helper/common
	make_small_sample
	# The same images as a folder tree with train/ and val/ splits.
	export TREE=$BATS_FILE_TMPDIR/tree
	mkdir -p "$TREE/train" "$TREE/val"
	tar -xf "$SAMPLE/ILSVRC2012_img_train.tar" -C "$TREE"
	for t in "$TREE"/n*.tar; do
		d=$TREE/train/$(basename "$t" .tar)
		mkdir "$d" "$TREE/val/$(basename "$t" .tar)"
		tar -xf "$t" -C "$d"
		rm "$t"
		mv "$d/$(ls "$d" | head -1)" "$TREE/val/$(basename "$t" .tar)/"
	done
}

setup() {
	load test_helper/common
	cd "$BATS_TEST_TMPDIR"
	PREV=$TOP/tests/data/previous
}

# recipes DIR: each recipe of the plan in DIR, its name first, DIR's own
# path written OUT.
recipes() {
	for f in "$1"/.pxr/*.recipe; do
		echo "== $(basename "$f")"
		sed "s|$1|OUT|g" "$f"
	done
}

@test "pxr-plan: the recipes are the previous release's, byte for byte, over --like, --squash, --also, --fast, --folder, --base and --layout (its --like notebook is notebook-geometry now)" {
	local n=0 like squash also fast folder base layout args root prog now
	for like in notebook torchvision; do
	for squash in "" 32; do
	for also in "" squash64,160; do
	for fast in "" --fast; do
	for folder in "" --folder; do
	for base in 1 0; do
	for layout in julia nchw; do
		args=(--like "$like" --base "$base" --layout "$layout" --no-space-check)
		[ -z "$squash" ] || args+=(--squash "$squash")
		[ -z "$also" ] || args+=(--also "$also")
		[ -z "$fast" ] || args+=("$fast")
		root=$SAMPLE prog=pxr-imagenet
		[ -z "$folder" ] || root=$TREE prog=pxr-folder
		n=$((n + 1))
		"$PREV/$prog" plan "${args[@]}" --out "old$n" "$root" > /dev/null 2>&1 ||
			fail "the previous release refused: ${args[*]} $folder"
		now=("${args[@]}")
		[ "$like" != notebook ] || now[1]=notebook-geometry
		run -0 --separate-stderr "$prog" plan "${now[@]}" --out "new$n" "$root"
		diff <(recipes "$BATS_TEST_TMPDIR/old$n") <(recipes "$BATS_TEST_TMPDIR/new$n") ||
			fail "$prog ${args[*]}: the recipes differ"
		rm -rf "old$n" "new$n"
	done; done; done; done; done; done; done
	assert_equal "$n" 128
}

@test "pxr-plan: a set the previous release began resumes, and ends with the bytes of a run of this one" {
	# The previous release plans and runs one shard of four.
	run -0 --separate-stderr "$PREV/pxr-imagenet" plan --shards 4 --also squash32 --out o "$SAMPLE"
	bash -c "$(head -1 o/.pxr/jobs)"
	[ "$(tr -cd '\001' < o/X_train.raw.status | wc -c)" -gt 0 ]
	# Its default was the notebook's geometry alone: this one's is the
	# notebook's pixels, and says how to go on.
	run -2 --separate-stderr pxr-imagenet --shards 4 --also squash32 --out o "$SAMPLE"
	[[ "$stderr" == *"X_train.raw: made with another recipe ("*"decode: was 'exact (full size)', now 'notebook"*"); give --overwrite to make it anew; or, for a set made with an earlier pxr's defaults, --like notebook-geometry" ]]
	# This one goes on where it stopped, with its name for that recipe.
	run -0 --separate-stderr pxr-imagenet --like notebook-geometry --shards 4 --also squash32 --out o "$SAMPLE"
	[[ "$stderr" == *"train: 24 images ("*" done before)"* ]]
	run -0 --separate-stderr pxr-imagenet --like notebook-geometry --shards 4 --also squash32 --out fresh "$SAMPLE"
	for f in X_train.raw Y_train.raw X_val.raw Y_val.raw X_train_squash32.raw X_val_squash32.raw; do
		cmp "fresh/$f" "o/$f"
	done
}

@test "pxr-plan: argv writes each stage's arguments from the plan, NUL-separated; a plan of another version is refused" {
	run -0 --separate-stderr pxr-imagenet plan --split val --shards 3 --also squash32 --fast --out o "$SAMPLE"
	mkdir a
	run -0 --separate-stderr pxr-plan argv o/.pxr/val.plan 2/3 a
	assert_equal "$(tr '\0' ' ' < a/list)" "--from-index $BATS_TEST_TMPDIR/o/.pxr/val.index --shard 2/3 --skip-done $BATS_TEST_TMPDIR/o/X_val.raw.status --skip-done $BATS_TEST_TMPDIR/o/X_val_squash32.raw.status $SAMPLE/ILSVRC2012_img_val.tar "
	assert_equal "$(tr '\0' ' ' < a/decode)" "--min-side 32 "
	assert_equal "$(tr '\0' ' ' < a/label)" "--base 1 --synsets $SAMPLE/LOC_synset_mapping.txt --val-labels $SAMPLE/validation_labels.txt "
	assert_equal "$(tr '\0' ' ' < a/shape.0)" "--like notebook-geometry --short 256 --crop 224 --filter triangle "
	assert_equal "$(tr '\0' ' ' < a/shape.1)" "--size 32x32 --filter box "
	assert_equal "$(tr '\0' ' ' < a/pack.1)" "$BATS_TEST_TMPDIR/o/X_val_squash32.raw $BATS_TEST_TMPDIR/o/Y_val_squash32.raw "
	assert_equal "$(tr '\0' ' ' < a/finish.0)" "--finish --synsets $SAMPLE/LOC_synset_mapping.txt $BATS_TEST_TMPDIR/o/X_val.raw $BATS_TEST_TMPDIR/o/Y_val.raw "
	assert_equal "$(cat a/info)" "2
$BATS_TEST_TMPDIR/o/.pxr/val.shards/2-of-3.done
val"
	# The notebook's pixels: its decode for every set, its chain for the
	# sets it crops.
	run -0 --separate-stderr pxr-imagenet plan --split val --shards 3 --also squash32,64 --out nb "$SAMPLE"
	run -0 --separate-stderr pxr-plan argv nb/.pxr/val.plan 1/3 a
	assert_equal "$(tr '\0' ' ' < a/decode)" "--like notebook "
	assert_equal "$(tr '\0' ' ' < a/shape.0)" "--like notebook --short 256 --crop 224 "
	assert_equal "$(tr '\0' ' ' < a/shape.1)" "--size 32x32 --filter box "
	assert_equal "$(tr '\0' ' ' < a/shape.2)" "--like notebook --short 73 --crop 64 "
	# One set: the decode shapes it, fused.
	run -0 --separate-stderr pxr-imagenet plan --split val --shards 3 --out one "$SAMPLE"
	run -0 --separate-stderr pxr-plan argv one/.pxr/val.plan 1/3 a
	assert_equal "$(tr '\0' ' ' < a/decode)" "--like notebook --short 256 --crop 224 "
	run -0 --separate-stderr pxr-imagenet plan --split val --shards 3 --filter lanczos3 --out lz "$SAMPLE"
	run -0 --separate-stderr pxr-plan argv lz/.pxr/val.plan 1/3 a
	assert_equal "$(tr '\0' ' ' < a/decode)" "--like notebook-geometry --short 256 --crop 224 --filter lanczos3 "
	run -2 --separate-stderr pxr-plan argv one/.pxr/val.plan 4/3 a
	assert_equal "$stderr" "pxr-plan: shard: K/N wanted, not '4/3'"
	sed -i 's/^pxr .*/pxr 0.0.1/' one/.pxr/val.plan
	run -2 --separate-stderr pxr-plan argv one/.pxr/val.plan 1/3 a
	assert_equal "$stderr" "pxr-plan: val: planned by pxr 0.0.1, but this is pxr 0.1.0; install one version everywhere and plan again"
	run -2 --separate-stderr pxr-plan argv "$SAMPLE/LOC_synset_mapping.txt" 1/3 a
	assert_equal "$stderr" "pxr-plan: $SAMPLE/LOC_synset_mapping.txt: not a plan of pxr-plan (plan again)"
}

@test "pxr-plan: an unchanged tarball is not indexed again; one touched, or --overwrite, is; a tree is at every run" {
	run -0 --separate-stderr pxr-imagenet plan --split val --out o "$SAMPLE"
	[[ "$stderr" == *"val: indexing"* ]]
	head -2 o/.pxr/val.index | tail -1 | cut -f6 > sig
	[[ "$(cat sig)" =~ ^[0-9]+:[0-9]+:[0-9]+:[0-9]+\.[0-9]{9}:[0-9]+\.[0-9]{9}$ ]]
	run -0 --separate-stderr pxr-imagenet plan --split val --out o "$SAMPLE"
	[[ "$stderr" != *"indexing"* ]]
	cp -r "$SAMPLE" s2
	run -0 --separate-stderr pxr-imagenet plan --split val --out o2 s2
	touch -d '2001-01-01' s2/ILSVRC2012_img_val.tar
	run -0 --separate-stderr pxr-imagenet plan --split val --out o2 s2
	[[ "$stderr" == *"val: indexing"* ]]
	run -0 --separate-stderr pxr-imagenet plan --split val --overwrite --out o2 s2
	[[ "$stderr" == *"val: indexing"* ]]
	run -0 --separate-stderr pxr-folder plan --split val --out f "$TREE"
	run -0 --separate-stderr pxr-folder plan --split val --out f "$TREE"
	[[ "$stderr" == *"val: indexing"* ]]
}

@test "pxr-plan: plans and task read an output folder's plans; usage errors" {
	run -0 --separate-stderr pxr-imagenet plan --shards 3 --out o "$SAMPLE"
	run -0 --separate-stderr pxr-plan plans o
	assert_output "$BATS_TEST_TMPDIR/o/.pxr/train.plan
$BATS_TEST_TMPDIR/o/.pxr/val.plan"
	run -0 --separate-stderr pxr-plan task o 4
	assert_output "$BATS_TEST_TMPDIR/o/.pxr/val.plan	1/3"
	run -2 --separate-stderr pxr-plan task o 7
	assert_equal "$stderr" "pxr-plan: o: no such shard in its plans"
	run -2 --separate-stderr pxr-plan plans nowhere
	assert_equal "$stderr" "pxr-plan: nowhere: nothing planned here (run the plan step first)"
	run -2 --separate-stderr pxr-plan
	assert_output ""
	[[ "$stderr" == "usage: pxr-plan check step [options] [root]"* ]]
	run -2 --separate-stderr pxr-plan check bogus "$SAMPLE"
	assert_equal "${stderr_lines[0]}" "pxr-plan: unknown step 'bogus'"
	[[ "${stderr_lines[1]}" == "usage: pxr-plan check step [options] [root]" ]]
	run -2 --separate-stderr pxr-plan check all a b
	assert_equal "${stderr_lines[0]}" "pxr-plan: one ROOT only, got 2"
	PXR_PROG=pxr-folder run -2 --separate-stderr pxr-plan check plan --sbatch x "$SAMPLE"
	assert_equal "${stderr_lines[0]}" "pxr-folder: --sbatch goes with slurm"
	[[ "${stderr_lines[1]}" == "usage: pxr-folder "* ]]
	run -2 --separate-stderr pxr-plan check all --like notebook --fast "$SAMPLE"
	assert_equal "${stderr_lines[0]}" "pxr-plan: --like notebook decodes at full size, as the notebook did: no --fast (--like notebook-geometry has it)"
	run -0 --separate-stderr pxr-plan check all --jobs 3 --out c "$SAMPLE"
	assert_output "out	$BATS_TEST_TMPDIR/c
jobs	3
made	$BATS_TEST_TMPDIR/c"
	run -0 --separate-stderr pxr-plan check all --jobs 3 --out c "$SAMPLE"
	assert_output "out	$BATS_TEST_TMPDIR/c
jobs	3"
}
