#!/usr/bin/env bats
# The build promises: every program has a man page that lints clean, and
# "make install" puts programs, user scripts and man pages where they belong.
bats_require_minimum_version 1.5.0
load helper

programs() {
	local f
	for f in "$MR_ROOT"/cmd/mr-*.c; do
		[[ -e $f ]] && basename "$f" .c
	done
	for f in "$MR_ROOT"/scripts/mr-*; do
		[[ -e $f && $f != *.c && $f != *.sh ]] && basename "$f"
	done
}

@test "every program and user script has a man page that mandoc lints clean" {
	need_tool mandoc
	local p
	for p in $(programs); do
		[[ -f $MR_ROOT/man/$p.1 ]] || { echo "no man page for $p"; false; }
		run mandoc -Tlint -W warning "$MR_ROOT/man/$p.1"
		[[ $status -eq 0 && -z $output ]] || { echo "$p: $output"; false; }
	done
}

@test "make install honours DESTDIR and PREFIX, and uninstall removes it all" {
	local dest=$BATS_TEST_TMPDIR/root p
	make -s -C "$MR_ROOT" install DESTDIR="$dest" PREFIX=/usr >/dev/null
	for p in $(programs); do
		[[ -x $dest/usr/bin/$p ]] || { echo "$p not installed"; false; }
		[[ -f $dest/usr/share/man/man1/$p.1 ]] || { echo "$p.1 not installed"; false; }
	done
	make -s -C "$MR_ROOT" uninstall DESTDIR="$dest" PREFIX=/usr >/dev/null
	run find "$dest" -type f
	[[ -z $output ]]
}

@test "every program answers --help on stdout and --version, and rejects an unknown option with status 2" {
	local p
	for p in $(programs); do
		[[ $p == mr-hadoop ]] && continue
		run --separate-stderr "$p" --help
		[[ $status -eq 0 && $output == *usage:* ]] || { echo "$p --help: $status $output"; false; }
		run --separate-stderr "$p" --version
		[[ $status -eq 0 && $output == *"(mr-tools)"* ]] || { echo "$p --version: $status $output"; false; }
		run --separate-stderr "$p" --no-such-option
		[[ $status -eq 2 && $stderr == *usage:* ]] || { echo "$p bad option: $status $stderr"; false; }
	done
}
