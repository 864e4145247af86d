"""Daily check of a Venti index with venti-spark, and a rebuild only when it is needed.

Every day: checkindex, read-only. Its JSON report (--report) decides the branch: when the check
found differences (exit status 6), or when the run was triggered by hand with the parameter
rebuild=true, plan (a dry run that refuses with 4 when a bucket would overflow), then buildindex,
then checkindex again; otherwise nothing is written. Scheduled, the DAG never rewrites an index
that is correct.

Each task is a spark-submit of udf/target/venti-spark.jar (main class ventispark.cli.VentiSpark)
through the Spark connection "venti_spark" (for example master yarn, extra
{"deploy-mode": "cluster", "queue": "venti"}). In YARN cluster mode spark-submit only learns
SUCCEEDED or FAILED, so every task takes the command's exit status from its report: the reports
folder must be readable here and writable by the driver, wherever YARN starts it (a shared mount).
Exit statuses (README): 1 failed while working, 2 usage, 3 bad input, 4 overflow, 5 index locked
by another run, 6 differences. A retry can help after 1 (a rerun rewrites the sections whole) and
5 (the other run ends); after 2, 3, 4 and 6 it would only say the same again, so those fail the
task without retries. spark.yarn.maxAppAttempts=1: YARN's second attempt of a failed application
would not run the command again anyway (venti-spark ends it with the first attempt's status), but
it costs a container start.

Airflow Variables (optional): venti_spark_jar, venti_conf, venti_reports.
"""

import json
from datetime import datetime, timedelta

from airflow import DAG
from airflow.exceptions import AirflowException, AirflowFailException
from airflow.models.param import Param
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator
from airflow.providers.standard.operators.empty import EmptyOperator
from airflow.providers.standard.operators.python import BranchPythonOperator

JAR = "{{ var.value.get('venti_spark_jar', '/opt/venti-spark/venti-spark.jar') }}"
CONF = "{{ var.value.get('venti_conf', '/mnt/venti-index/venti.conf') }}"
REPORTS = "{{ var.value.get('venti_reports', '/mnt/venti-index/reports') }}"
SPARK_CONF = {
    "spark.serializer": "org.apache.spark.serializer.KryoSerializer",
    "spark.kryo.registrator": "ventispark.job.spark.VentiKryoRegistrator",
    "spark.task.maxFailures": "4",
    "spark.yarn.maxAppAttempts": "1",
}

# The exit statuses a retry cannot change.
FINAL = {2: "usage", 3: "bad input, nothing written", 4: "bucket overflow, nothing written",
         6: "checkindex found differences"}


def report_path(task_id):
    """The report of one task in one DAG run (ts_nodash: no ':' that HDFS-style paths refuse)."""
    return REPORTS + "/{{ ts_nodash }}-" + task_id + ".json"


def report_status(path):
    """The exit status in a venti-spark JSON report, or None when there is no readable report."""
    try:
        with open(path, encoding="utf-8") as f:
            return int(json.load(f)["exitCode"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


class VentiSubmitOperator(SparkSubmitOperator):
    """spark-submit of one venti-spark command; its outcome is the exit status in its report."""

    template_fields = (*SparkSubmitOperator.template_fields, "report")

    def __init__(self, *, command, accept=(0,), **kwargs):
        report = report_path(kwargs["task_id"])
        super().__init__(application=JAR, java_class="ventispark.cli.VentiSpark",
                         application_args=["--report", report, *command], conf=dict(SPARK_CONF),
                         conn_id="venti_spark", name="venti-" + kwargs["task_id"],
                         retry_delay=timedelta(minutes=10), **kwargs)
        self.report = report
        self.accept = tuple(accept)

    def execute(self, context):
        try:
            super().execute(context)
        except AirflowException as e:
            status = report_status(self.report)
            if status in self.accept:
                return status
            if status in FINAL:
                raise AirflowFailException(
                    f"venti-spark exit status {status} ({FINAL[status]}); report {self.report}") from e
            raise
        return report_status(self.report)


def choose(report, rebuild):
    """After the check: rebuild when it found differences or when the run asked for it."""
    if str(rebuild).lower() == "true" or report_status(report) == 6:
        return "plan"
    return "index_ok"


with DAG(
    dag_id="venti_index",
    description="Check a Venti index daily with venti-spark; rebuild it when it differs or on demand",
    schedule="@daily",
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    params={"rebuild": Param(False, type="boolean",
                             description="rebuild the index even when the check finds no differences")},
    tags=["venti"],
) as dag:
    check = VentiSubmitOperator(task_id="checkindex", command=["checkindex", CONF], accept=(0, 6), retries=2)
    decide = BranchPythonOperator(task_id="decide", python_callable=choose,
                                  op_kwargs={"report": report_path("checkindex"),
                                             "rebuild": "{{ params.rebuild }}"})
    index_ok = EmptyOperator(task_id="index_ok")
    plan = VentiSubmitOperator(task_id="plan", command=["plan", CONF], retries=2)
    rebuild = VentiSubmitOperator(task_id="buildindex", command=["buildindex", "-b", CONF], retries=1)
    verify = VentiSubmitOperator(task_id="verify", command=["checkindex", CONF], retries=2)
    check >> decide >> [index_ok, plan]
    plan >> rebuild >> verify
