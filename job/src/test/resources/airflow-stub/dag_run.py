"""One run of a DAG as Airflow's scheduler would make it, for AirflowDagTest (no Airflow here).

Loads the DAG file against the stub airflow package, renders every templated field of every task
with Jinja2 in strict mode (an undefined name fails the run, as it fails a task in Airflow), then
runs the tasks in dependency order: a task whose upstream failed does not run, a branch skips the
tasks it does not follow (and those after them), a failing task is tried again up to its retries
unless it raised AirflowFailException. Prints per task its state, tries, result and, for
spark-submit tasks, the command lines it ran, as JSON.

usage: dag_run.py DAG_FILE '{"variables": {...}, "conf": {...}, "ts_nodash": "..."}'
"""

import json
import runpy
import sys

import jinja2

from airflow.exceptions import AirflowFailException
from airflow.providers.standard.operators.python import BranchPythonOperator


class Variables:
    """{{ var.value.NAME }} and {{ var.value.get(NAME, DEFAULT) }}, as Airflow's template context."""

    def __init__(self, values):
        self._values = values

    def get(self, name, default=None):
        return self._values.get(name, default)

    def __getattr__(self, name):
        try:
            return self._values[name]
        except KeyError:
            raise KeyError(f"Variable {name} does not exist") from None


def render(value, env, context):
    """Airflow's rendering of a templated field: strings, and the items of lists, tuples, dicts."""
    if isinstance(value, str):
        return env.from_string(value).render(context)
    if isinstance(value, (list, tuple)):
        return type(value)(render(v, env, context) for v in value)
    if isinstance(value, dict):
        return {k: render(v, env, context) for k, v in value.items()}
    return value


def main(dag_file, run):
    dag = runpy.run_path(dag_file)["dag"]
    params = {k: p.value for k, p in dag.params.items()}
    params.update(run.get("conf", {}))
    ts = run["ts_nodash"]
    context = {"ds": f"{ts[0:4]}-{ts[4:6]}-{ts[6:8]}", "ts_nodash": ts, "run_id": "scheduled__" + ts,
               "params": params, "var": {"value": Variables(run.get("variables", {}))}}
    env = jinja2.Environment(undefined=jinja2.StrictUndefined)
    by_id = {t.task_id: t for t in dag.tasks}
    result = {}
    for t in dag.tasks:
        for field in t.template_fields:
            setattr(t, field, render(getattr(t, field), env, context))
    done = []
    while len(done) < len(dag.tasks):
        t = next(t for t in dag.tasks if t.task_id not in done and all(u in done for u in t.upstream))
        done.append(t.task_id)
        ups = [result[u]["state"] for u in t.upstream]
        if any(s in ("failed", "upstream_failed") for s in ups):
            result[t.task_id] = {"state": "upstream_failed", "tries": 0}
            continue
        if t.task_id in result or any(s == "skipped" for s in ups):
            result[t.task_id] = {"state": "skipped", "tries": 0}
            continue
        r = {"state": None, "tries": 0}
        if hasattr(t, "command"):
            r["command"] = t.command()
        while r["state"] is None:
            r["tries"] += 1
            try:
                r["return"] = t.execute(context)
                r["state"] = "success"
            except AirflowFailException as e:
                r["state"], r["error"] = "failed", str(e)
            except Exception as e:
                if r["tries"] > t.retries:
                    r["state"], r["error"] = "failed", str(e)
        result[t.task_id] = r
        if isinstance(t, BranchPythonOperator) and r["state"] == "success":
            follow = r["return"] if isinstance(r["return"], list) else [r["return"]]
            for d in t.downstream:
                if d not in follow:
                    result[d] = {"state": "skipped", "tries": 0}
                    done.append(d)
            # tasks after a skipped one are skipped when reached (all upstream must succeed)
        if r["state"] != "success" and hasattr(t, "output"):
            r["output"] = t.output[-3000:]
    for t in dag.tasks:
        result[t.task_id]["retries"] = t.retries
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1], json.loads(sys.argv[2]))
