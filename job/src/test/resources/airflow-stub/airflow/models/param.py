"""Stub Param: a DAG parameter's default, overridden by a manual trigger's configuration."""


class Param:
    def __init__(self, default=None, type=None, description=None, **kwargs):
        self.value = default
        self.schema = dict(kwargs, type=type)
        self.description = description
