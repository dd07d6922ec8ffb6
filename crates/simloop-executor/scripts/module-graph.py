#!/usr/bin/env python3
"""The executor's module dependency graph, file by file, and whether it has a cycle.

Every file of crates/simloop-executor/src is a module. An edge A -> B means that A's code
(not its comments or tests) names something of B by a `crate::...` path, in a `use` or
inline (a path through the crate root's re-exports counts as naming the module the item
comes from), or calls a method that B's `impl Inner` block defines (the runtime's state
has its verbs in inner.rs and its loop, spawn funnel, diagnosis and teardown in files of
their own). The crate root (lib.rs) is left out: it only declares and re-exports. Prints
one line per module and exits 1, naming the cycle, if there is one. From the repository
root:

    python3 crates/simloop-executor/scripts/module-graph.py

(`cargo modules dependencies` from the cargo-modules crate draws items rather than files,
and names a method by its type's path, so an `impl Inner` block in driver.rs shows up as
part of inner.rs; this script reads the files themselves.)
"""
import pathlib
import re
import sys

SRC = pathlib.Path(__file__).resolve().parent.parent / "src"


def module_name(f):
    parts = f.relative_to(SRC).with_suffix("").parts
    if parts[-1] in ("mod", "lib"):
        parts = parts[:-1]
    return "::".join(parts)


def code_of(text):
    """The text without comments and without `#[cfg(test)]` modules."""
    text = re.sub(r"//[^\n]*", "", text)
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    cut = re.search(r"#\[cfg\(test\)\]\s*mod tests", text)
    return text[: cut.start()] if cut else text


files = {module_name(f): f for f in SRC.rglob("*.rs")}
modules = set(files)

# The root's re-exports: `pub use a::b::{C, D}` -> C: a::b, D: a::b.
reexport = {}
root = code_of(files[""].read_text())
for m in re.finditer(r"pub use ([\w:]+)::\{([^}]*)\};|pub use ([\w:]+)::(\w+);", root):
    path, names = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
    for n in re.split(r"[\s,]+", names):
        if n:
            reexport[n] = path


def resolve(path):
    """The module a `crate::` path names (the longest module prefix)."""
    parts = path.split("::")
    if len(parts) == 1 and parts[0] in reexport:
        parts = reexport[parts[0]].split("::")
    for k in range(len(parts), -1, -1):
        cand = "::".join(parts[:k])
        if cand in modules and cand != "":
            return cand
    return None


def paths_in(code):
    for m in re.finditer(r"\buse crate::([\w:]+)::\{([^}]*)\}", code):
        for item in re.split(r"[\s,]+", m.group(2)):
            item = item.split(" as ")[0]
            if item:
                yield m.group(1) if item == "self" else m.group(1) + "::" + item
    for m in re.finditer(r"\bcrate::([\w:]+)", code):
        yield m.group(1).rstrip(":")


def impl_blocks(code, type_name):
    """The bodies of `code`'s `impl <type_name> {...}` blocks."""
    for m in re.finditer(r"\bimpl " + type_name + r" \{", code):
        depth, i = 1, m.end()
        while depth and i < len(code):
            depth += {"{": 1, "}": -1}.get(code[i], 0)
            i += 1
        yield code[m.end():i]


def impl_methods(code, type_name):
    """The names of the methods in `code`'s `impl <type_name> {...}` blocks."""
    return {n for body in impl_blocks(code, type_name) for n in re.findall(r"\bfn (\w+)", body)}


def inner_calls(code):
    """Methods called on the runtime's state: on `rt`, `inner` or `self.inner`, or on
    `self` inside an `impl Inner` block (the names this crate gives an `Inner`)."""
    calls = set(re.findall(r"(?:\brt|\binner|self\.inner)\.(\w+)\(", code))
    for body in impl_blocks(code, "Inner"):
        calls |= set(re.findall(r"\bself\.(\w+)\(", body))
    return calls


codes = {mod: code_of(f.read_text()) for mod, f in files.items()}
method_home = {}
for mod, code in codes.items():
    for name in impl_methods(code, "Inner"):
        method_home[name] = mod

edges = {}
for mod, code in codes.items():
    if mod == "":
        continue
    deps = {resolve(p) for p in paths_in(code)}
    deps |= {method_home[n] for n in inner_calls(code) if n in method_home}
    edges[mod] = {d for d in deps if d and d != mod}

for mod in sorted(edges):
    print(f"{mod:24} -> {', '.join(sorted(edges[mod])) or '-'}")

state, stack = {}, []


def visit(m):
    state[m] = 1
    stack.append(m)
    for n in sorted(edges.get(m, ())):
        if state.get(n) == 1:
            print("cycle: " + " -> ".join(stack[stack.index(n):] + [n]))
            sys.exit(1)
        if n not in state:
            visit(n)
    stack.pop()
    state[m] = 2


for m in sorted(edges):
    if m not in state:
        visit(m)
print(f"{len(edges)} modules, {sum(len(v) for v in edges.values())} edges, no cycle")
