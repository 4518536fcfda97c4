#!/usr/bin/env python3
"""Program cells of docs/realfs.md: corpus entries (sqlite3 WAL + FULL, DELETE + FULL; LMDB
MDB_WRITEMAP and MDB_NOSYNC) run on ext4, XFS and btrfs through `writeback realfs`, next to
`writeback trace`'s power-loss verdicts under the strict model and under each file system's model.
The program, its setup and its checker are the corpus entry's (corpus/NAME/entry.json), unchanged.

    sudo python3 bench/realfs/programs.py [--crashes N] [--fs ext4,xfs,btrfs]
                                          [--entries sqlite-wal-full,...] [--json cells.json]

Each line: entry, file system, crash images, failed (with the first failure), did not mount, fsck
not clean, and trace's verdicts. Needs root, loop devices and the entries' tools.
"""
import argparse, json, os, shutil, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CORPUS = os.path.join(ROOT, "corpus")
FS_MODELS = {"ext4": "Ext4Ordered", "xfs": "Xfs", "btrfs": "Btrfs"}
DEFAULT_ENTRIES = "sqlite-wal-full,sqlite-delete-full,lmdb-writemap,lmdb-nosync"


def writeback_command():
    if os.environ.get("WRITEBACK_CLI"):
        return ["dotnet", os.environ["WRITEBACK_CLI"]]
    for configuration in ("Release", "Debug"):
        dll = os.path.join(ROOT, "src", "Writeback.Cli", "bin", configuration, "net10.0", "Writeback.Cli.dll")
        if os.path.exists(dll):
            return ["dotnet", dll]
    return ["dotnet", "run", "--project", os.path.join(ROOT, "src", "Writeback.Cli"), "--"]


def load_entry(name, build):
    """The entry's commands with the corpus placeholders expanded (corpus/README.md)."""
    folder = os.path.join(CORPUS, name)
    entry = json.load(open(os.path.join(folder, "entry.json")))
    values = {"${ENTRY}": folder, "${CORPUS}": CORPUS, "${BUILD}": build, "${PYTHON}": sys.executable}

    def expand(text):
        for key, value in values.items():
            text = text.replace(key, value)
        return text

    if entry.get("build"):
        subprocess.run(["/bin/sh", "-c", expand(entry["build"])], cwd=folder, check=True)
    return {"setup": expand(entry["setup"] or "true"), "run": [expand(a) for a in entry["run"]],
            "checker": expand(entry["checker"]), "ignore": entry.get("ignore", []),
            "expected": entry["expected"]["Linux3_16Range"]["PowerLoss"]}


def trace_verdict(wb, entry, model, work):
    directory = tempfile.mkdtemp(prefix="trace-", dir=work)
    subprocess.run(["/bin/sh", "-c", entry["setup"]], cwd=directory, check=True)
    report = os.path.join(work, "trace.json")
    command = wb + ["trace", "--dir", directory, "--checker", entry["checker"], "--model", model, "--crash-kind", "PowerLoss", "--json", report]
    for glob in entry["ignore"]:
        command += ["--ignore", glob]
    run = subprocess.run(command + ["--"] + entry["run"], capture_output=True, text=True)
    shutil.rmtree(directory, ignore_errors=True)
    if run.returncode not in (0, 1):
        return f"error: {(run.stderr.strip() or run.stdout.strip()).splitlines()[-1:]}"
    scenario = json.load(open(report))["scenarios"][0]
    os.remove(report)
    verdict = scenario["verdicts"][0]
    first = scenario.get("firstFailures") or [{}]
    return "pass" if verdict["passed"] else f"FAIL ({verdict['failures']} crash points; first: {first[0].get('message', '?')})"


def realfs_cell(wb, entry, fs, crashes, work):
    report = os.path.join(work, f"realfs-{fs}.json")
    command = wb + ["realfs", "--fs", fs, "--crashes", str(crashes), "--setup", entry["setup"], "--checker", entry["checker"],
                    "--json", report, "--"] + entry["run"]
    run = subprocess.run(command, capture_output=True, text=True)
    if run.returncode not in (0, 1) or not os.path.exists(report):
        return {"error": (run.stderr.strip() or run.stdout.strip())}
    images = json.load(open(report))["images"]
    os.remove(report)
    failed = [i for i in images if not i["passed"] and not i["mountFailed"]]
    reasons = {}
    for image in failed:
        reasons[image["outcome"]] = reasons.get(image["outcome"], 0) + 1
    return {"images": len(images), "failed": len(failed), "failures": reasons,
            "didNotMount": sum(1 for i in images if i["mountFailed"]),
            "fsckNotClean": sum(1 for i in images if i["fsckClean"] is False)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--crashes", type=int, default=40)
    parser.add_argument("--fs", default="ext4,xfs,btrfs")
    parser.add_argument("--entries", default=DEFAULT_ENTRIES)
    parser.add_argument("--json")
    parser.add_argument("--skip-trace", action="store_true", help="real file systems only (trace's verdicts come from another run)")
    args = parser.parse_args()
    wb = writeback_command()
    work = tempfile.mkdtemp(prefix="realfs-programs-")
    cells = []
    try:
        for name in args.entries.split(","):
            entry = load_entry(name, tempfile.mkdtemp(prefix=f"build-{name}-", dir=work))
            strict = "not run" if args.skip_trace else trace_verdict(wb, entry, "Linux3_16Range", work)
            print(f"{name}: trace PowerLoss Linux3_16Range {strict} (corpus expects {entry['expected']})", flush=True)
            for fs in args.fs.split(","):
                own = "not run" if args.skip_trace else trace_verdict(wb, entry, FS_MODELS[fs], work)
                cell = realfs_cell(wb, entry, fs, args.crashes, work)
                cell.update({"entry": name, "fs": fs, "traceStrict": strict, "traceOwnModel": own, "ownModel": FS_MODELS[fs]})
                cells.append(cell)
                print(f"  {fs:<6} {json.dumps({k: v for k, v in cell.items() if k not in ('entry', 'fs')})}", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if args.json:
        json.dump(cells, open(args.json, "w"), indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
