"""Stub SparkSubmitOperator: Airflow's template_fields and arguments; execute runs spark-submit.

The command line is built as the Spark provider's SparkSubmitHook builds it (the facts, not its
code): the binary (the connection's extra "spark-binary", default spark-submit, from PATH), then
--master from the connection (a "spark" connection whose host holds a URL or has no port: the
host; otherwise TYPE://HOST[:PORT]), one --conf KEY=VALUE per conf entry, --name, --class,
--queue and --deploy-mode from the connection's extra unless given, then the application and its
arguments. A connection comes from the environment variable AIRFLOW_CONN_<CONN_ID>, as JSON, as
Airflow reads it. A non-zero exit raises AirflowException.
"""

import json
import os
import subprocess

from airflow.exceptions import AirflowException
from airflow.models.baseoperator import BaseOperator


class SparkSubmitOperator(BaseOperator):
    template_fields = ("application", "conf", "files", "py_files", "jars", "driver_class_path", "packages",
                       "exclude_packages", "keytab", "principal", "proxy_user", "name", "application_args",
                       "env_vars", "post_submit_commands", "properties_file")

    def __init__(self, *, application="", conf=None, conn_id="spark_default", java_class=None, name="arrow-spark",
                 application_args=None, yarn_queue=None, deploy_mode=None, **kwargs):
        for unsupported in ("files", "py_files", "jars", "driver_class_path", "packages", "exclude_packages",
                            "keytab", "principal", "proxy_user", "env_vars", "post_submit_commands",
                            "properties_file", "num_executors", "executor_cores", "executor_memory",
                            "driver_memory", "spark_binary"):
            if unsupported in kwargs:
                raise TypeError("the stub does not build the command line with " + unsupported)
        super().__init__(**kwargs)
        self.application = application
        self.conf = conf or {}
        self.conn_id = conn_id
        self.java_class = java_class
        self.name = name
        self.application_args = application_args
        self.yarn_queue = yarn_queue
        self.deploy_mode = deploy_mode
        for field in self.template_fields:
            if not hasattr(self, field):
                setattr(self, field, None)

    def connection(self):
        conn = json.loads(os.environ["AIRFLOW_CONN_" + self.conn_id.upper()])
        extra = conn.get("extra") or {}
        host, port = conn.get("host") or "", conn.get("port")
        if conn["conn_type"] == "spark" and host and ("://" in host or not port):
            master = host
        else:
            master = f"{conn['conn_type']}://{host}"
        if port:
            master = f"{master}:{port}"
        return {"master": master, "queue": self.yarn_queue or extra.get("queue"),
                "deploy_mode": self.deploy_mode or extra.get("deploy-mode"),
                "spark_binary": extra.get("spark-binary", "spark-submit")}

    def command(self):
        c = self.connection()
        cmd = [c["spark_binary"], "--master", c["master"]]
        for key in self.conf:
            cmd += ["--conf", f"{key}={self.conf[key]}"]
        if self.name:
            cmd += ["--name", self.name]
        if self.java_class:
            cmd += ["--class", self.java_class]
        if c["queue"]:
            cmd += ["--queue", c["queue"]]
        if c["deploy_mode"]:
            cmd += ["--deploy-mode", c["deploy_mode"]]
        cmd.append(self.application)
        cmd += list(self.application_args or [])
        return cmd

    def execute(self, context):
        cmd = self.command()
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.output = p.stdout
        if p.returncode:
            raise AirflowException(f"Cannot execute: {' '.join(cmd)}. Error code is: {p.returncode}.")
