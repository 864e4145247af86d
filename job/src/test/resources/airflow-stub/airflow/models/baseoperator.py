"""Stub BaseOperator: task id, retries and the task graph (>> with a task or a list of tasks)."""

import airflow


class BaseOperator:
    template_fields = ()

    def __init__(self, task_id, retries=0, retry_delay=None):
        self.task_id = task_id
        self.retries = retries
        self.retry_delay = retry_delay
        self.upstream = []
        self.downstream = []
        airflow._current[-1].tasks.append(self)

    def __rshift__(self, other):
        for o in other if isinstance(other, list) else [other]:
            self.downstream.append(o.task_id)
            o.upstream.append(self.task_id)
        return other
