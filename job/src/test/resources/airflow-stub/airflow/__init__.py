"""A stub of the Airflow names the venti-spark DAG uses (Airflow itself is not installed here).

Only what a DAG file touches: the DAG, operators that record their arguments and their order,
and each operator's template_fields, copied from Airflow. How a task runs (the command line of
spark-submit, the branch) is in the operators' execute methods, as in Airflow.
"""

_current = []


class DAG:
    def __init__(self, dag_id, params=None, **kwargs):
        self.dag_id = dag_id
        self.params = params or {}
        self.kwargs = kwargs
        self.tasks = []

    def __enter__(self):
        _current.append(self)
        return self

    def __exit__(self, *exc):
        _current.pop()
        return False
