#!/usr/bin/env python3
"""Runs every litmus test on real file systems (`writeback realfs`) and under simulator models
(`writeback trace`), and prints the table of outcomes seen against outcomes each model allows.

    python3 tests/litmus/run.py [--fs ext4,xfs,btrfs] [--tests a,b] [--crashes N] [--torn-seeds K]
                                [--models Linux3_16Range,...] [--json results.json] [--markdown table.md]
    python3 tests/litmus/run.py --merge a.json,b.json [--json all.json] [--markdown table.md]

Needs root, loop devices, mkfs.ext4/mkfs.xfs/mkfs.btrfs and gcc. Exit 1 when a file system produced
an outcome the strict model (the first of --models) forbids: a soundness bug of the simulator.
"""
import argparse, json, os, re, subprocess, sys, tempfile, shutil

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def writeback_command():
    if os.environ.get("WRITEBACK_CLI"):  # a copy of a build, so rebuilding the tree does not disturb a long run
        return ["dotnet", os.environ["WRITEBACK_CLI"]]
    cli = os.path.join(ROOT, "src", "Writeback.Cli")
    built = [os.path.join(cli, "bin", c, "net10.0", "Writeback.Cli.dll") for c in ("Release", "Debug")]
    for dll in built:
        if os.path.exists(dll):
            return ["dotnet", dll]
    return ["dotnet", "run", "--project", cli, "--"]


def realfs_outcomes(wb, litmus, test, fs, crashes, seed, torn, work):
    report = os.path.join(work, f"realfs-{fs}-{test}-{seed}.json")
    command = wb + ["realfs", "--fs", fs, "--setup", f"{litmus} setup {test}", "--checker", f"{litmus} check",
                    "--crashes", str(crashes), "--seed", str(seed), "--json", report]
    if torn:
        command.append("--torn")
    command += ["--", litmus, "run", test]
    run = subprocess.run(command, capture_output=True, text=True)
    if run.returncode not in (0, 1) or not os.path.exists(report):
        raise SystemExit(f"realfs failed on {fs}/{test}: {run.stderr.strip() or run.stdout.strip()}")
    data = json.load(open(report))
    outcomes = {}
    problems = []
    for image in data["images"]:
        if image["mountFailed"]:
            problems.append(f"did not mount: {image['outcome']} ({image['crashPoint']}, seed {seed})")
            continue
        label = image["outcome"]
        outcomes[label] = outcomes.get(label, 0) + 1
        if image["fsckClean"] is False:
            problems.append(f"fsck: {image['fsckMessage']} ({image['crashPoint']})")
    return outcomes, len(data["images"]), problems


def model_outcomes(wb, litmus, test, model, work):
    directory = tempfile.mkdtemp(prefix=f"litmus-{test}-", dir=work)
    subprocess.run([litmus, "setup", test], cwd=directory, check=True)
    log = os.path.join(work, f"trace-{model}-{test}.log")
    if os.path.exists(log):
        os.remove(log)
    # The model's outcomes are the set the checker logs over every state, so nothing may be
    # collapsed: a never-covered file's contents reduced to three representatives would leave out
    # outcomes the model allows, and a real file system's outcome would then look forbidden.
    command = wb + ["trace", "--dir", directory, "--checker", f"LITMUS_LOG={log} {litmus} check",
                    "--model", model, "--crash-kind", "PowerLoss", "--no-reduce-uncovered", "--", litmus, "run", test]
    run = subprocess.run(command, capture_output=True, text=True)
    shutil.rmtree(directory, ignore_errors=True)
    if "not modelled" in run.stderr:
        return None  # e.g. hard links: trace cannot record them yet, so this model has no verdict here
    if run.returncode not in (0, 1) or not os.path.exists(log):
        raise SystemExit(f"trace failed on {test} under {model}: {run.stderr.strip() or run.stdout.strip()}")
    return sorted(set(line.rstrip("\n") for line in open(log) if line.strip()))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--fs", default="ext4,xfs,btrfs")
    parser.add_argument("--tests", default="")
    parser.add_argument("--crashes", type=int, default=300)
    parser.add_argument("--torn-seeds", type=int, default=1, help="extra runs per test with --torn and seeds 1..K")
    parser.add_argument("--first-torn-seed", type=int, default=1, help="start the torn seeds here; above 1 the plain (untorn) run is left out, to add images to an earlier run")
    parser.add_argument("--models", default="Linux3_16Range")
    parser.add_argument("--json")
    parser.add_argument("--markdown")
    parser.add_argument("--reuse", help="a --json file of an earlier run: take its real outcomes, recompute only the models")
    parser.add_argument("--merge", help="--json files of earlier runs (e.g. one per file system, run in parallel), or the printed output (.log) of a run stopped early: add up their images and outcomes, join their model sets, compare; runs nothing")
    args = parser.parse_args()
    if args.merge:
        return report(merge(args.merge.split(",")), args)
    work = tempfile.mkdtemp(prefix="litmus-")
    litmus = os.path.join(work, "litmus")
    subprocess.run(["gcc", "-O2", "-o", litmus, os.path.join(HERE, "litmus.c")], check=True)
    tests = args.tests.split(",") if args.tests else subprocess.run([litmus, "list"], capture_output=True, text=True).stdout.split()
    wb = writeback_command()
    models = args.models.split(",")
    file_systems = args.fs.split(",")
    results = {"tests": {}, "images": {fs: 0 for fs in file_systems}, "forbidden": [], "forbiddenByFsModel": []}
    earlier = json.load(open(args.reuse)) if args.reuse else None
    for test in tests:
        entry = {"models": {m: model_outcomes(wb, litmus, test, m, work) for m in models}, "fs": {}}
        for fs in file_systems:
            if earlier:
                entry["fs"][fs] = earlier["tests"][test]["fs"][fs]
                results["images"][fs] += entry["fs"][fs]["images"]
                compare(results, entry, test, fs, models)
                continue
            seen, images, problems = {}, 0, []
            runs = ([(0, False)] if args.first_torn_seed <= 1 else []) + [(seed, True) for seed in range(args.first_torn_seed, args.first_torn_seed + args.torn_seeds)]
            for seed, torn in runs:
                outcomes, count, trouble = realfs_outcomes(wb, litmus, test, fs, args.crashes, seed, torn, work)
                images += count
                problems += trouble
                for label, n in outcomes.items():
                    seen[label] = seen.get(label, 0) + n
            results["images"][fs] += images
            entry["fs"][fs] = {"images": images, "outcomes": seen, "problems": problems}
            strict = set(entry["models"][models[0]] or seen)
            compare(results, entry, test, fs, models)
            message = f"{test} {fs}: {images} images, {len(seen)} outcomes"
            message += "".join(f"\n    {n:5d} {l}{'' if l in strict else '   <-- FORBIDDEN by ' + models[0]}" for l, n in sorted(seen.items()))
            message += "".join(f"\n    PROBLEM {p}" for p in problems)
            print(message, flush=True)
        results["tests"][test] = entry
    results["models"] = models
    shutil.rmtree(work, ignore_errors=True)
    return report(results, args)


def report(results, args):
    print(f"images per file system: {results['images']}; outcomes the strict model forbids: {len(results['forbidden'])}; "
          f"outcomes a file system's own model forbids: {len(results['forbiddenByFsModel'])}")
    for item in results["forbidden"] + results["forbiddenByFsModel"]:
        print(f"  FORBIDDEN: {item}")
    if args.json:
        json.dump(results, open(args.json, "w"), indent=1)
    if args.markdown:
        write_markdown(results, results["models"], list(results["images"]), args.markdown)
    return 1 if results["forbidden"] or results["forbiddenByFsModel"] else 0


def merge(paths):
    """One result from several runs: images and outcome counts add up, model sets join (the strict model first)."""
    runs = [read_log(path) if path.endswith(".log") else json.load(open(path)) for path in paths]
    models = []
    for run in runs:
        for model in run.get("models") or next(iter(run["tests"].values()))["models"]:
            if model not in models:
                models.append(model)
    models = models or ["Linux3_16Range"]
    results = {"tests": {}, "images": {}, "forbidden": [], "forbiddenByFsModel": [], "models": models}
    for run in runs:
        for test, entry in run["tests"].items():
            merged = results["tests"].setdefault(test, {"models": {}, "fs": {}})
            for model, allowed in entry["models"].items():
                merged["models"].setdefault(model, allowed)
            for fs, seen in entry["fs"].items():
                into = merged["fs"].setdefault(fs, {"images": 0, "outcomes": {}, "problems": []})
                into["images"] += seen["images"]
                into["problems"] += seen["problems"]
                for label, n in seen["outcomes"].items():
                    into["outcomes"][label] = into["outcomes"].get(label, 0) + n
                results["images"][fs] = results["images"].get(fs, 0) + seen["images"]
    for test, entry in results["tests"].items():
        for fs in entry["fs"]:
            compare(results, entry, test, fs, models)
    return results


FS_MODELS = {"ext4": "Ext4Ordered", "xfs": "Xfs", "btrfs": "Btrfs"}


def compare(results, entry, test, fs, models):
    """Every outcome fs produced must be allowed by the strict model (models[0]) and by fs's own model."""
    for label in entry["fs"][fs]["outcomes"]:
        if entry["models"].get(models[0]) is not None and label not in entry["models"][models[0]]:
            results["forbidden"].append({"test": test, "fs": fs, "outcome": label})
        own = FS_MODELS.get(fs)
        if own in entry["models"] and entry["models"][own] is not None and label not in entry["models"][own]:
            results["forbiddenByFsModel"].append({"test": test, "fs": fs, "model": own, "outcome": label})


def read_log(path):
    """The finished tests of a run stopped before it wrote --json, from its printed blocks (no model sets)."""
    run, current = {"tests": {}}, None
    for line in open(path):
        head = re.match(r"^(\S+) (\S+): (\d+) images, \d+ outcomes$", line.rstrip("\n"))
        outcome = re.match(r"^ +(\d+) (.*?)(   <-- FORBIDDEN by .*)?$", line.rstrip("\n"))
        if head:
            current = {"images": int(head.group(3)), "outcomes": {}, "problems": []}
            run["tests"].setdefault(head.group(1), {"models": {}, "fs": {}})["fs"][head.group(2)] = current
        elif current is not None and line.startswith("    PROBLEM "):
            current["problems"].append(line[len("    PROBLEM "):].rstrip("\n"))
        elif current is not None and outcome:
            current["outcomes"][outcome.group(2)] = int(outcome.group(1))
        else:
            current = None
    return run


def write_markdown(results, models, file_systems, path):
    """docs/realfs.md's table: one row per outcome seen, then a row counting the outcomes the strict model allows and no fs showed."""
    names = {"ext4": "ext4", "xfs": "XFS", "btrfs": "btrfs"}
    lines = ["| test | outcome (acks · files) | " + " | ".join(names.get(fs, fs) for fs in file_systems) + " | " + " | ".join(models) + " |",
             "|---|---|" + "---|" * (len(file_systems) + len(models))]
    for test, entry in results["tests"].items():
        seen = sorted(set().union(*[set(entry["fs"].get(fs, {"outcomes": {}})["outcomes"]) for fs in file_systems]))
        for label in seen:
            cells = [str(entry["fs"].get(fs, {"outcomes": {}})["outcomes"].get(label, "")) for fs in file_systems]
            cells += ["n/m" if entry["models"].get(m) is None else "yes" if label in entry["models"][m] else "**no**" for m in models]
            lines.append(f"| `{test}` | `{label.replace(' |', ' ·')}` | " + " | ".join(cells) + " |")
        unseen = [label for label in entry["models"].get(models[0]) or [] if label not in seen]
        if unseen:
            lines.append(f"| `{test}` | *{len(unseen)} more outcome(s) {models[0]} allows, none seen* |" + " |" * (len(file_systems) + len(models)))
    open(path, "w").write("\n".join(lines) + "\n")


if __name__ == "__main__":
    sys.exit(main())
