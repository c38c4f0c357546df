#!/usr/bin/env python3
"""The SQLite counterpart of pgbench that make bench runs (bench/sqlite_statements.cpp): it reads a
pgbench script, binds its :variables, reads every row of every statement and counts scripts.
Usage: bench_sqlite_statements_check.py TOOL"""
import pathlib
import sqlite3
import subprocess
import sys
import tempfile

tool = sys.argv[1]
with tempfile.TemporaryDirectory() as d:
    db = pathlib.Path(d, "t.db")
    c = sqlite3.connect(db)
    c.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, score REAL, note TEXT)")
    c.executemany("INSERT INTO t VALUES (?, ?, ?, ?)", [(i, f"n{i}", i / 2, None if i % 2 else "x") for i in range(1, 11)])
    c.commit()
    c.close()
    script = pathlib.Path(d, "s.sql")
    script.write_text(
        "-- a comment line, as in bench/meetings_list.sql\n"
        "SELECT id, name FROM t WHERE name = :who;\n"
        "SELECT id, name, score, note FROM t\n  WHERE id > :low ORDER BY id LIMIT :l;\n"
    )

    def run(*args):
        return subprocess.run([tool, str(db), str(script), *args], capture_output=True, text=True, timeout=60)

    ok = run("-D", "who=n3", "-D", "low=4", "-D", "l=4", "-j", "2", "-T", "0.3")
    assert ok.returncode == 0, ok.stderr
    # One row from the first statement (a text variable), four from the second (integers).
    assert "rows a script: 5.0" in ok.stdout, ok.stdout
    tps = float(ok.stdout.split("tps = ")[1])
    assert tps > 0, ok.stdout

    missing = run("-D", "who=n3", "-D", "low=4", "-T", "0.1")
    assert missing.returncode == 2 and "no -D for :l" in missing.stderr, (missing.returncode, missing.stderr)
    wrong = run("-D", "who=n3", "-D", "low=4", "-D", "l=4", "-D", "nothing")
    assert wrong.returncode == 2 and "name=value" in wrong.stderr, wrong.stderr
print("ok")
