"""Stub EmptyOperator: does nothing."""

from airflow.models.baseoperator import BaseOperator


class EmptyOperator(BaseOperator):
    def execute(self, context):
        return None
