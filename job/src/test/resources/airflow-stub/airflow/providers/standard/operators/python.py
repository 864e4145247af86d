"""Stub BranchPythonOperator: the callable's result names the downstream tasks that run."""

from airflow.models.baseoperator import BaseOperator


class BranchPythonOperator(BaseOperator):
    template_fields = ("templates_dict", "op_args", "op_kwargs")  # Airflow's PythonOperator

    def __init__(self, *, python_callable, op_args=None, op_kwargs=None, templates_dict=None, **kwargs):
        super().__init__(**kwargs)
        self.python_callable = python_callable
        self.op_args = list(op_args or [])
        self.op_kwargs = dict(op_kwargs or {})
        self.templates_dict = templates_dict

    def execute(self, context):
        return self.python_callable(*self.op_args, **self.op_kwargs)
