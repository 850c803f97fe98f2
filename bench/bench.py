#!/usr/bin/env python3
"""lode vs DVC, side by side on the same data in one run (`make bench`).

Generates deterministic data, runs the same scenario with both tools in fresh
git repositories, repeats it, and prints a markdown table of median seconds,
the DVC/lode ratio and peak RSS per step, plus cache and remote sizes.
DVC is installed from PyPI into bench/.venv by this script.
"""
import argparse
import contextlib
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
MiB = 1 << 20


def log(message):
    print(message, file=sys.stderr, flush=True)


def ensure_dvc():
    venv = os.path.join(HERE, ".venv")
    dvc = os.path.join(venv, "bin", "dvc")
    if not os.path.exists(dvc):
        log("installing DVC into bench/.venv (PyPI)")
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
        subprocess.run([os.path.join(venv, "bin", "pip"), "install", "-q", "dvc"], check=True)
    version = subprocess.run([dvc, "--version"], capture_output=True, text=True, check=True).stdout.strip()
    return dvc, version


def run(argv, cwd, env=None, check=True):
    """Runs argv; returns (seconds, peak RSS in KiB) of that process tree."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    error = process.stderr.read().decode(errors="replace")
    process.stderr.close()
    if check and process.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed in {cwd} ({process.returncode}):\n{error}")
    return elapsed, usage.ru_maxrss


def sh(command, cwd):
    subprocess.run(command, cwd=cwd, shell=True, check=True, stdout=subprocess.DEVNULL)


def du(path):
    total = 0
    for folder, _, files in os.walk(path):
        for name in files:
            try:
                total += os.lstat(os.path.join(folder, name)).st_blocks * 512
            except FileNotFoundError:
                pass
    return total


def make_data(root, scale, small_files):
    """A poorly compressible float32 model, a CSV and a folder of small files."""
    os.makedirs(root, exist_ok=True)
    model = os.path.join(root, "model.bin")
    if not os.path.exists(model):
        log("generating the model (float32 weights)")
        rng = random.Random(1)
        size = int(1024 * MiB * scale) // 4 * 4
        # Weights like a trained model's: small values around zero, so the
        # sign-and-exponent byte of each little-endian float32 takes few
        # values while the mantissa bytes are noise. Nothing repeats.
        exponents = [120, 121, 121, 122, 122, 122, 123, 123, 123, 123, 124, 124, 124, 125, 125, 126]
        table = bytes((rng.random() < 0.5) << 7 | exponents[value % 16] >> 1 for value in range(256))
        with open(model, "wb") as out:
            written = 0
            while written < size:
                block = bytearray(rng.randbytes(min(MiB, size - written)))
                block[3::4] = block[3::4].translate(table)
                out.write(block)
                written += len(block)
    csv = os.path.join(root, "data.csv")
    if not os.path.exists(csv):
        log("generating the CSV")
        rng = random.Random(2)
        size = int(256 * MiB * scale)
        with open(csv, "w") as out:
            written, row = 0, 0
            while written < size:
                line = f"{row},2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d},sensor-{rng.randint(1, 500)},{rng.random() * 100:.4f},{rng.choice(['ok', 'warn', 'fail'])}\n"
                out.write(line)
                written += len(line)
                row += 1
    many = os.path.join(root, f"many-{small_files}")
    if not os.path.exists(many):
        log(f"generating {small_files} small files")
        rng = random.Random(3)
        for index in range(small_files):
            folder = os.path.join(many, f"d{index % 100:02d}")
            os.makedirs(folder, exist_ok=True)
            with open(os.path.join(folder, f"f{index}.bin"), "wb") as out:
                out.write(rng.randbytes(rng.randint(1024, 32 * 1024)))
    return model, csv, many


# A small 3-stage pipeline whose stages take a fraction of a second.
PIPELINE = """stages:
  prepare:
    cmd: head -n 20000 data.csv > sample.csv
    deps: [data.csv]
    outs: [sample.csv]
  featurize:
    cmd: cut -d, -f1,4 sample.csv > features.csv
    deps: [sample.csv]
    outs: [features.csv]
  train:
    cmd: sort -t, -k2 -g features.csv | head -n ${train.top} > model.txt
    deps: [features.csv]
    params: [train.top]
    outs: [model.txt]
"""


class Tool:
    def __init__(self, name, exe):
        self.name, self.exe = name, exe

    def cmd(self, *args):
        return [self.exe, *args]


def scenario(tool, data, work, remote, repeat_quick, own_data):
    """The main scenario. With `own_data` (a copy made for this run) the data
    is moved into the repository, so its files are the workspace's own, as a
    user's are: deleting them before the checkout frees their memory.
    Otherwise (--here: the shared data) the repository gets hard links."""
    """Runs every step once for `tool` in a fresh repository; returns {step: (seconds, rss)}."""
    model, csv, many = data
    repo = os.path.join(work, tool.name)
    os.makedirs(repo)
    sh("git init -q . && git config user.email b@e && git config user.name bench && git config commit.gpgsign false", repo)
    results = {}

    def step(name, *args, cwd=repo):
        results[name] = run(tool.cmd(*args), cwd)

    def quick(name, *args, cwd=repo):
        samples = [run(tool.cmd(*args), cwd) for _ in range(repeat_quick)]
        results[name] = (statistics.median(s[0] for s in samples), max(s[1] for s in samples))

    step("init", "init")
    if tool.name == "dvc":
        run(tool.cmd("config", "core.analytics", "false"), repo)
        run(tool.cmd("config", "core.autostage", "true"), repo)
    quick("status, empty repository", "status")
    place = os.rename if own_data else os.link
    for source in (model, csv):
        place(source, os.path.join(repo, os.path.basename(source)))
    step("add the big files", "add", "model.bin", "data.csv")
    quick("status clean (big files)", "status")
    if own_data:
        os.rename(many, os.path.join(repo, "many"))
    else:
        shutil.copytree(many, os.path.join(repo, "many"), copy_function=os.link)
    step("add the many-files folder", "add", "many")
    quick("status clean (many files)", "status")
    for index in range(10):
        path = os.path.join(repo, "many", f"d{index:02d}", f"f{index}.bin")
        with open(path + ".new", "wb") as out:
            out.write(os.urandom(2048))
        os.replace(path + ".new", path)
    step("status, 10 files modified", "status")
    step("add again", "add", "many")
    sh("git add -A && git commit -qm data", repo)
    with open(os.path.join(repo, "params.yaml"), "w") as out:
        out.write("train:\n  top: 100\n")
    with open(os.path.join(repo, "dvc.yaml" if tool.name == "dvc" else "lode.yaml"), "w") as out:
        out.write(PIPELINE)
    step("repro, first run", "repro")
    step("repro, nothing changed", "repro")
    with open(os.path.join(repo, "params.yaml"), "w") as out:
        out.write("train:\n  top: 200\n")
    step("repro, one param changed", "repro")
    sh("git add -A && git commit -qm pipeline", repo)
    run(tool.cmd("remote", "add", "-d", "storage", remote), repo)
    step("push to a local remote", "push")
    sh("git add -A && git commit -qm remote", repo)
    clone = repo + "-clone"
    sh(f"git clone -q {repo} {clone}", work)
    if tool.name == "dvc":
        run(tool.cmd("config", "core.analytics", "false"), clone)
    step("pull into a fresh clone", "pull", cwd=clone)
    sh("rm -rf model.bin data.csv many", repo)
    step("delete, then checkout", "checkout")
    cache = os.path.join(repo, ".lode/cache" if tool.name == "lode" else ".dvc/cache")
    sizes = {"cache": du(cache), "remote": du(remote)}
    gc = ("gc",) if tool.name == "lode" else ("gc", "-w", "-f")
    step("gc", *gc)
    return results, sizes


def rewrite(path, edit):
    """Replaces the file at path (a copy, never the shared source) with edit(bytes).

    The edit runs in a forked child, so this process never grows: a child
    forked from a large process would report the parent's pages as its
    peak RSS."""
    child = os.fork()
    if child == 0:
        try:
            with open(path, "rb") as handle:
                content = handle.read()
            os.unlink(path)
            with open(path, "wb") as out:
                out.write(edit(content))
            os._exit(0)
        except BaseException:
            os._exit(1)
    _, status = os.waitpid(child, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"editing {path} failed")


def same_memory_state(path):
    """Drops the page cache and reads `path` back in, so adds compared with
    each other start from the same memory state. On this VM, writing into
    page-cache pages the guest has not used recently costs about five times
    more (1 GiB: 0.3 s just after a drop, 1.9 s later; `dd` shows it), which
    would favour whichever add runs first."""
    sh("sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true", "/")
    with open(path, "rb") as handle:
        while handle.read(16 * MiB):
            pass


def settle():
    """Waits out ext4's recently-deleted window. On an ext4 without a journal
    (this machine's root), allocating an inode skips every inode freed in the
    last 60 s (360 s while its inode-table block is unwritten, hence the
    sync), and the skipping dominates profiles (`recently_deleted`): without
    the wait, the previous scenario's cleanup would be charged to the next
    one's first steps. Only needed with --here."""
    sh("sync", "/")
    time.sleep(61)


def fresh_filesystem_possible():
    """Whether this process can make and mount a loop file system (root, losetup, mkfs.ext4)."""
    return os.geteuid() == 0 and all(shutil.which(tool) for tool in ("losetup", "mkfs.ext4", "mount", "umount"))


@contextlib.contextmanager
def scenario_space(args, data):
    """Where one run of a scenario happens, with its own copy of `data`.

    By default a new ext4 made with mkfs.ext4's defaults (so with a journal,
    as ext4 normally has), on a loop device with direct I/O (no second page
    cache for the image file), created for this run and removed after it:
    every run of either tool starts from the same fresh file system. With
    --here (or without root), a temporary folder under bench/out on the
    machine's own file system, after `settle()`."""
    if args.here:
        settle()
        with tempfile.TemporaryDirectory(dir=os.path.join(HERE, "out")) as work:
            yield work, data
        return
    image = os.path.join(HERE, "out", "scenario.img")
    mount = tempfile.mkdtemp(dir=os.path.join(HERE, "out"), prefix="mnt-")
    loop = None
    try:
        with open(image, "wb") as handle:
            handle.truncate(args.filesystem_gib << 30)
        subprocess.run(["mkfs.ext4", "-q", "-F", "-E", "lazy_itable_init=0,lazy_journal_init=0", image], check=True)
        loop = subprocess.run(["losetup", "--direct-io=on", "-f", "--show", image],
                              check=True, capture_output=True, text=True).stdout.strip()
        subprocess.run(["mount", loop, mount], check=True)
        local = os.path.join(mount, "data")
        os.makedirs(local)
        copies = []
        for source in data:
            target = os.path.join(local, os.path.basename(source))
            if os.path.isdir(source):
                shutil.copytree(source, target)
            else:
                shutil.copyfile(source, target)
            copies.append(target)
        work = os.path.join(mount, "work")
        os.makedirs(work)
        yield work, tuple(copies)
    finally:
        if loop:
            subprocess.run(["umount", mount], check=False)
            subprocess.run(["losetup", "-d", loop], check=False)
        os.rmdir(mount)
        if os.path.exists(image):
            os.unlink(image)


def new_csv_rows(count, seed):
    rng = random.Random(seed)
    return "".join(
        f"{900000000 + row},2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d},sensor-{rng.randint(1, 500)},{rng.random() * 100:.4f},ok\n"
        for row in range(count)
    ).encode()


def versions_scenario(tool, data, work, remote):
    """Versions of big files: what chunking saves (lode) against whole files (DVC).

    Returns ({step: (seconds, rss)}, {storage row: bytes})."""
    model, csv, _ = data
    results, sizes = {}, {}
    repo = os.path.join(work, tool.name + "-versions")
    os.makedirs(repo)
    sh("git init -q . && git config user.email b@e && git config user.name bench && git config commit.gpgsign false", repo)
    run(tool.cmd("init"), repo)
    if tool.name == "dvc":
        run(tool.cmd("config", "core.analytics", "false"), repo)
    run(tool.cmd("remote", "add", "-d", "storage", remote), repo)
    if tool.name == "lode":
        # The cost of chunking: the same fresh add without it, in a second repository.
        plain = os.path.join(work, "lode-unchunked")
        os.makedirs(plain)
        sh("git init -q .", plain)
        run(tool.cmd("init"), plain)
        run(tool.cmd("config", "cache.chunking", "false"), plain)
        # A fresh copy, as in the chunked repository below: both read a file just written.
        shutil.copyfile(model, os.path.join(plain, "model.bin"))
        same_memory_state(os.path.join(plain, "model.bin"))
        results["add the model alone, lode without chunking"] = run(tool.cmd("add", "model.bin"), plain)
    for source in (model, csv):
        shutil.copyfile(source, os.path.join(repo, os.path.basename(source)))
    same_memory_state(os.path.join(repo, "model.bin"))
    results["add the model alone"] = run(tool.cmd("add", "model.bin"), repo)
    if tool.name == "dvc":
        results["add the model alone, lode without chunking"] = results["add the model alone"]
    run(tool.cmd("add", "data.csv"), repo)
    run(tool.cmd("push"), repo)

    def add_push(name, path, edit):
        rewrite(os.path.join(repo, path), edit)
        before = du(remote)
        seconds, rss = run(tool.cmd("add", path), repo)
        push_seconds, push_rss = run(tool.cmd("push"), repo)
        results[name] = (seconds + push_seconds, max(rss, push_rss))
        sizes[name.split(":")[0] + ": bytes pushed"] = du(remote) - before

    csv_size = os.path.getsize(csv)
    add_push("append 1 % rows to the CSV: add + push", "data.csv",
             lambda content: content + new_csv_rows(csv_size // 100 // 50, 7))
    middle = os.path.getsize(model) // 2 // 4096 * 4096
    add_push("insert 1 MiB into the model: add + push", "model.bin",
             lambda content: content[:middle] + random.Random(8).randbytes(MiB) + content[middle:])
    cache = os.path.join(repo, ".lode/cache" if tool.name == "lode" else ".dvc/cache")
    before = du(cache)
    samples = []
    for version in range(4):
        rng = random.Random(100 + version)

        def change_a_tenth(content):
            edited = bytearray(content)
            region = len(content) // 80
            for index in range(8):
                start = (index * 10 + version * 3) * region
                edited[start:start + region] = rng.randbytes(region)
            return bytes(edited)

        rewrite(os.path.join(repo, "model.bin"), change_a_tenth)
        samples.append(run(tool.cmd("add", "model.bin"), repo))
    results["new model version (a tenth changed): add"] = (
        statistics.median(s[0] for s in samples), max(s[1] for s in samples))
    sizes["cache growth for 4 more model versions"] = du(cache) - before
    sizes["cache after 6 model versions and 2 CSVs"] = du(cache)
    return results, sizes


def fmt_rss(kib):
    return f"{kib / 1024:.0f} MiB"


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lode", required=True, help="the lode binary (a release build)")
    parser.add_argument("--scale", type=float, default=1.0, help="data size factor (0.1 for a quick run)")
    parser.add_argument("--repeat", type=int, default=3, help="scenario repetitions (median reported)")
    parser.add_argument("--data", help="where generated data is kept (default bench/out/data-SCALE)")
    parser.add_argument("--scaling", action="store_true", help="also time lode add/status on 20k vs 200k files")
    parser.add_argument("--no-versions", action="store_true", help="skip the big-file versions scenario")
    parser.add_argument("--only-versions", action="store_true", help="run only the big-file versions scenario")
    parser.add_argument("--here", action="store_true",
                        help="run in bench/out on this machine's file system instead of a fresh ext4 per run")
    parser.add_argument("--filesystem-gib", type=int, default=32, help="size of each fresh file system (sparse)")
    args = parser.parse_args()
    if not args.here and not fresh_filesystem_possible():
        log("not root or no losetup/mkfs.ext4: running in bench/out on this file system (--here)")
        args.here = True
    args.data = args.data or os.path.join(HERE, "out", f"data-{args.scale:g}")

    dvc, dvc_version = ensure_dvc()
    small = max(200, int(20000 * args.scale))
    data = make_data(args.data, args.scale, small)
    tools = [Tool("dvc", dvc), Tool("lode", os.path.abspath(args.lode))]
    lode_version = subprocess.run([tools[1].exe, "--version"], capture_output=True, text=True).stdout.strip()
    runs = {tool.name: [] for tool in tools}
    sizes = {}
    version_sizes = {}
    for repetition in range(args.repeat):
        for tool in tools:
            if not args.only_versions:
                log(f"run {repetition + 1}/{args.repeat}: {tool.name}")
                with scenario_space(args, data) as (work, local):
                    remote = os.path.join(work, "remote-" + tool.name)
                    os.makedirs(remote)
                    sh("sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true", work)
                    results, sizes[tool.name] = scenario(tool, local, work, remote, repeat_quick=5,
                                                         own_data=not args.here)
            else:
                results, sizes[tool.name] = {}, {}
            if not args.no_versions:
                log(f"run {repetition + 1}/{args.repeat}: {tool.name}, versions of big files")
                with scenario_space(args, data) as (work, local):
                    remote = os.path.join(work, "remote-" + tool.name)
                    os.makedirs(remote)
                    sh("sync", work)  # the data copy, written back before anything is timed
                    more, version_sizes[tool.name] = versions_scenario(tool, local, work, remote)
                    results.update(more)
            runs[tool.name].append(results)

    startup = [run([tools[1].exe, "--version"], "/")[0] for _ in range(20)]
    print(f"\n### lode {lode_version} vs DVC {dvc_version}, scale {args.scale}, median of {args.repeat} runs\n")
    where = ("in bench/out on this machine's file system" if args.here else
             "each run on a fresh ext4 (mkfs.ext4 defaults, with a journal) on a loop device with direct I/O")
    print(f"Where: {where}.\n")
    print(f"Data: {os.path.getsize(data[0]) / MiB:.0f} MiB float32 model, {os.path.getsize(data[1]) / MiB:.0f} MiB CSV, {small} files of 1–32 KiB.\n")
    print("| step | DVC s | lode s | DVC / lode | DVC peak RSS | lode peak RSS |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name in runs["lode"][0]:
        med = {t: statistics.median(r[name][0] for r in runs[t]) for t in runs}
        rss = {t: max(r[name][1] for r in runs[t]) for t in runs}
        print(f"| {name} | {med['dvc']:.3f} | {med['lode']:.3f} | {med['dvc'] / med['lode']:.1f}× | {fmt_rss(rss['dvc'])} | {fmt_rss(rss['lode'])} |")
    print(f"| `lode --version` | | {statistics.median(startup) * 1000:.1f} ms | | | |")
    if "add the model alone" in runs["lode"][0]:
        chunked, plain = (statistics.median(r[name][0] for r in runs["lode"])
                          for name in ("add the model alone", "add the model alone, lode without chunking"))
        print(f"\nThe cost of chunking a fresh model (issue 8: at most +15 %): {chunked:.3f} s against "
              f"{plain:.3f} s without, {(chunked / plain - 1) * 100:+.0f} %.")
    print("\n| storage | DVC | lode | lode / DVC |")
    print("| --- | ---: | ---: | ---: |")
    for key in ("cache", "remote") if not args.only_versions else ():
        print(f"| {key} (after add again) | {sizes['dvc'][key] / MiB:.0f} MiB | {sizes['lode'][key] / MiB:.0f} MiB | {sizes['lode'][key] / sizes['dvc'][key]:.2f} |")
    for key in version_sizes.get("lode", {}):
        print(f"| {key} | {version_sizes['dvc'][key] / MiB:.1f} MiB | {version_sizes['lode'][key] / MiB:.1f} MiB | {version_sizes['lode'][key] / max(1, version_sizes['dvc'][key]):.2f} |")
    microbench = os.path.join(os.path.dirname(tools[1].exe), "lode-microbench")
    if os.path.exists(microbench):
        print("\nOne core, in memory:\n")
        for line in subprocess.run([microbench], capture_output=True, text=True, check=True).stdout.splitlines():
            print(f"- {line}")
    if args.scaling:
        scaling(tools[1], args)


def scaling(lode, args):
    print("\n| lode, small files | add s | status clean s | add µs/file | status µs/file |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for count in (20000, 200000):
        many = make_data(args.data, args.scale, count)[2]
        with scenario_space(args, (many,)) as (work, (local,)):
            sh("git init -q .", work)
            run(lode.cmd("init"), work)
            shutil.copytree(local, os.path.join(work, "many"), copy_function=os.link)
            add = run(lode.cmd("add", "many"), work)[0]
            status = statistics.median(run(lode.cmd("status"), work)[0] for _ in range(3))
            print(f"| {count} | {add:.2f} | {status:.3f} | {add / count * 1e6:.0f} | {status / count * 1e6:.1f} |")


if __name__ == "__main__":
    main()
