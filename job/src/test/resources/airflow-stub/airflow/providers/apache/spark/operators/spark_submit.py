"""Stub SparkSubmitOperator: records its arguments and its downstream tasks."""

import airflow


class SparkSubmitOperator:
    def __init__(self, task_id, application, java_class, application_args, conf=None, conn_id=None,
                 retries=0, retry_delay=None, **kwargs):
        if kwargs:
            raise TypeError("unexpected arguments: %s" % sorted(kwargs))
        self.task_id = task_id
        self.application = application
        self.java_class = java_class
        self.application_args = list(application_args)
        self.conf = conf or {}
        self.retries = retries
        self.downstream = []
        airflow._current[-1].tasks.append(self)

    def __rshift__(self, other):
        self.downstream.append(other.task_id)
        return other
