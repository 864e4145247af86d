"""Airflow's exceptions: a task that raises AirflowFailException fails without its retries."""


class AirflowException(Exception):
    pass


class AirflowFailException(AirflowException):
    pass
