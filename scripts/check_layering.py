#!/usr/bin/env python3
"""The include direction of engine/: every #include points down the stages.

    model/     the vocabulary: labels, selectors, identities, the cluster, the
               rule model, CIDRs, ports, and the values the public API takes
               and returns (options, verdicts, graphs, diffs, summaries)
    load/      YAML, files, directories, kustomize, GitOps sources
    policy/    CNP / CCNP / KNP / CiliumCIDRGroup parsing and validation
    build/     Kubernetes objects -> the Cluster (runs policy/ on policies)
    resolve/   identities and the rules selecting each (the Model)
    graph/ query/ lint/ replay/ diff/ whatif/   what is asked of a Model

A stage includes only its own headers and those of the stages above it in
this list; the last row are peers, each allowed the few of the others that it
uses (ALLOWED below). netreach.h is the public facade: only netreach.cc, the
implementation of load(), includes it inside engine/ (cli/, tests/, bench/
and the fuzzers may). Unit tests beside the code (*_test.cc,
*_test_support.h) are clients of the engine, as tests/ is: they may test a
stage through the facade, so the rules skip them.

    check_layering.py [ENGINE_DIR]   the tree (default: ../engine), exit 1
                                     listing each include that points the
                                     wrong way
    check_layering.py --self-test    shows that each rule fails on a tree that
                                     breaks it
"""

import os
import re
import sys
import tempfile

BELOW_THE_QUESTIONS = {"model", "load", "policy", "build", "resolve"}

# For each stage, the stages whose headers it may include (itself included).
ALLOWED = {
    "model": {"model"},
    "load": {"model", "load"},
    "policy": {"model", "load", "policy"},
    "build": {"model", "load", "policy", "build"},
    "resolve": {"model", "load", "policy", "build", "resolve"},
    # graph/ and query/ lean on each other: the identity graph matches peers
    # with query/'s peer_match, and explain_endpoint reads the identity graph.
    "graph": BELOW_THE_QUESTIONS | {"graph", "query"},
    "query": BELOW_THE_QUESTIONS | {"query", "graph"},
    "lint": BELOW_THE_QUESTIONS | {"lint", "graph", "query"},
    "replay": BELOW_THE_QUESTIONS | {"replay", "query"},
    "diff": BELOW_THE_QUESTIONS | {"diff", "graph", "query"},
    "whatif": BELOW_THE_QUESTIONS | {"whatif"},
}

FACADE = "netreach.h"
FACADE_IMPLEMENTATION = "netreach.cc"
# Files at the top of engine/ and what they may include: the facade and its
# implementation sit above every stage; version.h is a leaf anyone may include.
ROOT_FILES = {
    FACADE: set(ALLOWED),
    FACADE_IMPLEMENTATION: set(ALLOWED),
    "version.h": set(),
}
ROOT_LEAVES = {"version.h"}

INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"')


def is_test(path):
    name = os.path.basename(path)
    return name.endswith("_test.cc") or name.endswith("_test_support.h")


def source_files(engine_dir):
    for top, dirs, files in os.walk(engine_dir):
        dirs.sort()
        for name in sorted(files):
            if name.endswith((".h", ".cc")):
                yield os.path.relpath(os.path.join(top, name), engine_dir).replace(os.sep, "/")


def stage_of(relpath):
    """The stage directory of a path relative to engine/, or "" at the top."""
    return relpath.split("/", 1)[0] if "/" in relpath else ""


def resolve_include(engine_dir, including, target):
    """The included file relative to engine/, as the compiler finds it (the
    including file's directory first, then engine/), or None when the target
    is not a file of engine/ (a header of a library, or a typo the compiler
    will report)."""
    here = os.path.dirname(including)
    for candidate in (os.path.normpath(os.path.join(here, target)), os.path.normpath(target)):
        candidate = candidate.replace(os.sep, "/")
        if not candidate.startswith("../") and os.path.isfile(os.path.join(engine_dir, candidate)):
            return candidate
    return None


def violations(engine_dir):
    found = []
    for path in source_files(engine_dir):
        if is_test(path):
            continue
        stage = stage_of(path)
        if stage:
            if stage not in ALLOWED:
                found.append(f"engine/{path}: engine/{stage}/ is not a stage scripts/check_layering.py knows; "
                             "add it to ALLOWED with the stages it may include")
                continue
            allowed = ALLOWED[stage]
        else:
            allowed = ROOT_FILES.get(os.path.basename(path))
            if allowed is None:
                found.append(f"engine/{path}: a file at the top of engine/ other than {', '.join(sorted(ROOT_FILES))}; "
                             "engine code lives in a stage directory")
                continue
        with open(os.path.join(engine_dir, path), encoding="utf-8", errors="replace") as f:
            for number, line in enumerate(f, 1):
                m = INCLUDE.match(line)
                if not m:
                    continue
                target = resolve_include(engine_dir, path, m.group(1))
                if target is None:
                    continue
                where = f"engine/{path}:{number}: includes \"{m.group(1)}\""
                target_stage = stage_of(target)
                if not target_stage:
                    if target == FACADE and path != FACADE_IMPLEMENTATION:
                        found.append(f"{where}: only {FACADE_IMPLEMENTATION} includes the public facade; "
                                     f"include the vocabulary header that holds what is used (model/, query/expectations.h)")
                    elif target != FACADE and target not in ROOT_LEAVES:
                        found.append(f"{where}: not a header the engine's stages may include")
                    continue
                if target_stage not in allowed:
                    if stage:
                        may = ", ".join(sorted(s + "/" for s in allowed))
                        found.append(f"{where}: {stage}/ may include only {may}")
                    else:
                        found.append(f"{where}: {path} may include nothing of engine/")
    return found


def check(engine_dir):
    found = violations(engine_dir)
    for v in found:
        print(v)
    if found:
        print(f"{len(found)} include(s) against the layering of engine/ (scripts/check_layering.py, README \"Layout\")")
        return 1
    print("engine/: every include points down the stages")
    return 0


def self_test():
    """Each rule, broken once in a small tree, must be reported; the same tree
    with the bad lines taken out must pass."""
    good = {
        "netreach.h": '#include "model/verdict.h"\n#include "replay/replay.h"\n',
        "netreach.cc": '#include "netreach.h"\n#include "build/b.h"\n',
        "version.h": "",
        "model/verdict.h": '#include <string>\n#include "model/source.h"\n',
        "model/source.h": "",
        "load/yaml.h": '#include "model/source.h"\n',
        "policy/parser.h": '#include "load/yaml.h"\n',
        "build/b.h": '#include "policy/parser.h"\n',
        "resolve/model.h": '#include "build/b.h"\n',
        "graph/g.h": '#include "query/q.h"\n#include "resolve/model.h"\n',
        "query/q.h": '#include "graph/g.h"\n',
        "query/q.cc": '#include "q.h"\n#include "version.h"\n',
        "replay/replay.h": '#include "query/q.h"\n',
        "replay/replay_test.cc": '#include "netreach.h"\n#include "resolve/model.h"\n',
        "policy/policy_test_support.h": '#include "netreach.h"\n',
    }
    bad = {  # a file, a line, the words the report must hold
        "model/verdict.h": ('#include "policy/parser.h"\n', "model/ may include only model/"),
        "load/yaml.h": ('#include "policy/parser.h"\n', "load/ may include only load/, model/"),
        "policy/parser.h": ('#include "build/b.h"\n', "policy/ may include only"),
        "build/b.h": ('#include "resolve/model.h"\n', "build/ may include only"),
        "resolve/model.h": ('#include "query/q.h"\n', "resolve/ may include only"),
        "replay/replay.h": ('#include "../lint/l.h"\n', "replay/ may include only"),
        "graph/g.h": ('#include "netreach.h"\n', "only netreach.cc includes the public facade"),
        "query/q.cc": ('#include "../netreach.h"\n', "only netreach.cc includes the public facade"),
        "lint/l.h": ('#include "whatif/w.h"\n', "lint/ may include only"),
        "whatif/w.h": ('#include "graph/g.h"\n', "whatif/ may include only"),
        "version.h": ('#include "model/source.h"\n', "version.h may include nothing of engine/"),
        "misc/x.h": ("", "engine/misc/ is not a stage"),
        "stray.h": ("", "a file at the top of engine/"),
    }
    failures = []
    with tempfile.TemporaryDirectory() as root:
        def write(tree):
            for path, text in tree.items():
                full = os.path.join(root, path)
                os.makedirs(os.path.dirname(full), exist_ok=True)
                with open(full, "w", encoding="utf-8") as f:
                    f.write(text)

        write(good)
        write({"lint/l.h": "", "whatif/w.h": ""})
        if violations(root):
            failures.append("the good tree is reported: " + "; ".join(violations(root)))
        for path, (line, words) in bad.items():
            original = good.get(path, "" if path in ("lint/l.h", "whatif/w.h") else None)
            write({path: (original or "") + line})
            reported = [v for v in violations(root) if f"engine/{path}" in v]
            if not any(words in v for v in reported):
                failures.append(f"engine/{path} with {line.strip() or 'nothing'}: expected '{words}', got {reported}")
            if original is None:
                os.remove(os.path.join(root, path))
            else:
                write({path: original})
        if violations(root):
            failures.append("the tree restored is reported: " + "; ".join(violations(root)))
    for f in failures:
        print("self-test:", f)
    if failures:
        return 1
    print(f"self-test: each of {len(bad)} broken includes reported, the good tree passes")
    return 0


def main(argv):
    if argv[1:] == ["--self-test"]:
        return self_test()
    if len(argv) > 2:
        print(__doc__)
        return 2
    engine_dir = argv[1] if len(argv) == 2 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "engine")
    if not os.path.isdir(engine_dir):
        print(f"{engine_dir}: not a directory")
        return 2
    return check(engine_dir)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
