"""Nightly check and on-demand rebuild of a Venti index with venti-spark.

plan (dry run: fails when a bucket would overflow) >> buildindex >> checkindex. Each task is a
spark-submit of venti-spark.jar (built as udf/target/venti-spark.jar); a non-zero exit fails the
task (SparkSubmitOperator raises on it). Exit statuses are documented in the README: 3 bad input, 4 overflow, 5 index
locked by another run, 6 checkindex found differences. Only the rebuild is retried: its retries
rewrite the same bytes, while plan and checkindex failures are findings, not accidents.
Each task writes a JSON report (--report) beside the index for the next task or a human.
"""

from datetime import datetime, timedelta

from airflow import DAG
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

JAR = "/opt/venti-spark/venti-spark.jar"
CONF = "/mnt/venti-index/venti.conf"
REPORTS = "/mnt/venti-index/reports"
SPARK_CONF = {
    "spark.serializer": "org.apache.spark.serializer.KryoSerializer",
    "spark.kryo.registrator": "ventispark.job.VentiKryoRegistrator",
    "spark.task.maxFailures": "4",
}


def venti(task_id, *command, retries=0):
    """One venti-spark command as a spark-submit task, with its JSON report."""
    return SparkSubmitOperator(
        task_id=task_id,
        application=JAR,
        java_class="ventispark.cli.VentiSpark",
        application_args=["--report", f"{REPORTS}/{task_id}-{{{{ ds }}}}.json", *command, CONF],
        conf=SPARK_CONF,
        conn_id="spark_default",
        retries=retries,
        retry_delay=timedelta(minutes=10),
    )


with DAG(
    dag_id="venti_index",
    description="Rebuild and verify a Venti index with venti-spark",
    schedule=None,
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    tags=["venti"],
) as dag:
    plan = venti("plan", "plan")
    rebuild = venti("buildindex", "buildindex", "-b", retries=2)
    check = venti("checkindex", "checkindex", "-b")
    plan >> rebuild >> check
