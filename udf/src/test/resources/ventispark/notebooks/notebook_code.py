"""Compiles the code cells of a Python notebook without running them.

usage: notebook_code.py NOTEBOOK

Every code cell must compile (compile(), nothing is imported or executed: PySpark need not be
installed). Prints JSON: the number of cells compiled, the cells' tags, and every string constant
of the code that holds an SQL query (contains "SELECT "), for NotebooksTest to compare with the Java
notebook. Exits 1 with the cell and the error when a cell does not compile.
"""

import ast
import json
import sys


def main(path):
    with open(path, encoding="utf-8") as f:
        nb = json.load(f)
    compiled = 0
    tags = []
    sql = []
    for i, cell in enumerate(nb["cells"]):
        tags.extend(cell.get("metadata", {}).get("tags", []))
        if cell["cell_type"] != "code":
            continue
        src = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        name = "%s cell %d (%s)" % (path, i, cell.get("id", "?"))
        try:
            compile(src, name, "exec")
            tree = ast.parse(src, name)
        except SyntaxError as e:
            sys.stderr.write("%s does not compile: %s\n%s\n" % (name, e, src))
            sys.exit(1)
        compiled += 1
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and "SELECT " in node.value:
                sql.append(node.value)
    json.dump({"compiled": compiled, "tags": tags, "sql": sql}, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
