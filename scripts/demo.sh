#!/usr/bin/env bash
# lode's main job end to end, in a temporary git repository:
# init, add a file and a directory, edit, status, commit, du, delete, checkout,
# fsck, a pipeline, then push to a local remote and pull into a fresh clone.
set -euo pipefail
LODE=${1:-lode}
work=$(mktemp -d "${TMPDIR:-/tmp}/lode-demo.XXXXXX")
trap 'chmod -R u+w "$work"; rm -rf "$work"' EXIT
mkdir "$work/project" "$work/remote"
cd "$work/project"

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; "$@"; }
lode() { "$LODE" "$@"; }

git init -q .
git config user.email demo@lode.invalid
git config user.name "lode demo"
step lode init

echo "# making data: a 20 MB CSV and a directory of 200 small files"
seq 1 1000000 | awk '{ print $1 "," $1 * 3 ",label" $1 % 7 }' > measurements.csv
mkdir -p images
for i in $(seq 1 200); do head -c $((1024 + i * 37)) /dev/urandom > "images/img$i.bin"; done

step lode add measurements.csv images
step git status --short
step git commit -qm "Track data with lode"
step cat measurements.csv.lode
echo "# the pointer's id is the file's sha256:"
step sha256sum measurements.csv

echo "# edit the data"
echo "1000001,3000003,label0" >> measurements.csv
rm images/img1.bin
echo "a new image" > images/img201.bin
step lode status
step lode commit
step git commit -qam "Update data"
step lode status
echo "# files of 8 MiB and more are stored as content-defined chunks: both versions"
echo "# of the CSV share every chunk but the last, so the second cost a few KiB"
step lode du --all-commits

echo "# delete the data and bring it back from the cache"
rm -rf measurements.csv images
step lode status
step lode checkout
step lode status
step sha256sum measurements.csv
step lode fsck

echo "# a small pipeline: summarise the CSV, then report on the summary"
printf 'summary:\n  label: label3\n' > params.yaml
step lode stage add -n summarise -d measurements.csv -p summary.label -o summary.txt -- \
  "grep -c '\${summary.label}' measurements.csv > summary.txt"
step lode stage add -n report -d summary.txt -M report.json -- \
  "printf '{\"rows\":%s}\\n' \$(cat summary.txt) > report.json"
step cat lode.yaml
step lode repro
step lode repro
git add -A && git commit -qm "Add a pipeline"
sed -i 's/label3/label[35]/' params.yaml
step lode params diff
step lode repro
step lode metrics diff
git add -A && git commit -qm "Count two labels"

echo "# share it: a remote folder, a push, and a fresh clone that pulls"
step lode remote add -d storage "$work/remote"
step lode push
step lode status --remote
git commit -qm "Add a remote"
git clone -q "$work/project" "$work/clone"
cd "$work/clone"
step lode pull
step sha256sum measurements.csv
step lode status
step lode repro
echo
echo "demo finished: every step above ran the real lode in $work"
