#!/usr/bin/env python3
"""The module boundaries of SPEC §1, checked on every `make test`.

- A C module (CRDKafka, CLibPQ, CCurl) is imported only by its bridge.
- A target imports only modules it declares as direct dependencies (SwiftPM would let
  a target import anything in its dependency closure, so a connector could reach
  Kafka through the config target's dependencies without this check).
- The dev broker is linked into no service, and the target graph has no cycle.

Reads the package through `swift package dump-package`; prints every violation, and
exits non-zero when there is one.
"""
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Which targets may import each C module. DevBroker is the mock cluster's bridge: it
# needs rdkafka_mock.h, and is itself kept out of every service (below).
C_MODULE_IMPORTERS = {
    "CRDKafka": {"KafkaBridge", "DevBroker"},
    "CLibPQ": {"PostgresBridge"},
    "CCurl": {"HTTPBridge"},
}
SERVICES = {"IngressService", "EgressService", "OptOutService", "ControlService"}
IMPORT = re.compile(r"^\s*(?:@testable\s+|@_implementationOnly\s+|(?:public|package|internal)\s+)?import\s+(?:(?:struct|class|enum|protocol|func|typealias|var|let)\s+)?(\w+)", re.M)


def load_package():
    out = subprocess.run(["swift", "package", "dump-package"], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out)


def dependency_names(target):
    names = []
    for dep in target.get("dependencies", []):
        if "byName" in dep:
            names.append(dep["byName"][0])
        elif "target" in dep:
            names.append(dep["target"][0])
        elif "product" in dep:
            names.append(dep["product"][0])
    return names


def target_path(target):
    if target.get("path"):
        return target["path"]
    base = "Tests" if target["type"] == "test" else "Sources"
    return os.path.join(base, target["name"])


def swift_files(path):
    for folder, _, files in os.walk(os.path.join(ROOT, path)):
        for name in files:
            if name.endswith(".swift"):
                yield os.path.join(folder, name)


def find_cycle(graph):
    state = {}

    def visit(node, trail):
        state[node] = "visiting"
        for dep in graph.get(node, []):
            if state.get(dep) == "visiting":
                return trail + [node, dep]
            if dep not in state:
                found = visit(dep, trail + [node])
                if found:
                    return found
        state[node] = "done"
        return None

    for node in graph:
        if node not in state:
            found = visit(node, [])
            if found:
                return found
    return None


def main():
    package = load_package()
    targets = {t["name"]: t for t in package["targets"]}
    graph = {name: [d for d in dependency_names(t) if d in targets] for name, t in targets.items()}
    problems = []

    cycle = find_cycle(graph)
    if cycle:
        problems.append("dependency cycle: " + " -> ".join(cycle))

    # Modules the toolchain brings, which need no declaration.
    toolchain = {"Foundation", "FoundationEssentials", "Dispatch", "Synchronization", "Testing",
                 "XCTest", "Glibc", "Darwin", "Musl", "_Concurrency", "os", "FoundationNetworking"}
    product_modules = {}  # product name -> module names it brings
    for name in ("Logging", "Metrics", "CoreMetrics", "ServiceLifecycle", "UnixSignals", "Yams",
                 "ArgumentParser", "Hummingbird", "HummingbirdCore", "Mustache", "Prometheus", "NIOCore"):
        product_modules[name] = {name}
    product_modules["Metrics"] |= {"CoreMetrics"}
    product_modules["ServiceLifecycle"] |= {"UnixSignals"}
    product_modules["Hummingbird"] |= {"HummingbirdCore", "HTTPTypes"}

    for name, target in targets.items():
        if target["type"] == "system":
            continue
        declared = set()
        for dep in dependency_names(target):
            declared |= product_modules.get(dep, {dep})
        for path in swift_files(target_path(target)):
            text = open(path, encoding="utf-8").read()
            relative = os.path.relpath(path, ROOT)
            for module in IMPORT.findall(text):
                if module in C_MODULE_IMPORTERS and name not in C_MODULE_IMPORTERS[module]:
                    problems.append(f"{relative}: imports the C module {module}; only "
                                    f"{', '.join(sorted(C_MODULE_IMPORTERS[module]))} may")
                elif module not in declared and module not in toolchain and module != name:
                    problems.append(f"{relative}: imports {module}, which target {name} does not declare as a dependency")

    def closure(start):
        seen, todo = set(), [start]
        while todo:
            for dep in graph.get(todo.pop(), []):
                if dep not in seen:
                    seen.add(dep)
                    todo.append(dep)
        return seen

    for service in SERVICES & set(targets):
        if "DevBroker" in closure(service):
            problems.append(f"{service} links DevBroker: the local broker must never link into a service")

    for problem in problems:
        print("boundary: " + problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} boundary violation(s); see SPEC §1", file=sys.stderr)
        return 1
    print(f"module boundaries hold: {sum(1 for t in targets.values() if t['type'] != 'system')} targets, no cycle, C imported only by its bridge")
    return 0


if __name__ == "__main__":
    sys.exit(main())
