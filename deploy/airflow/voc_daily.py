"""Airflow DAG: one task per voc job, in the jobs' dependency order.

Each task runs `voc run <job> --date {{ ds }}` in the voc image. Exit code 7
(input not ready) is retried; other failures fail the task. Regenerate the
task list with `voc list` when jobs change.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator

JOBS = {
    "basket_rules": [],
    "customer_profile": ["session_facts"],
    "hot_questions": ["message_insights", "session_subjects"],
    "message_insights": [],
    "presale_loss": ["session_facts", "message_insights", "session_subjects"],
    "product_issue_pool": ["message_insights", "session_subjects"],
    "qa": ["session_facts", "message_insights"],
    "return_root_causes": ["message_insights"],
    "risk": ["message_insights"],
    "service_kpi": ["session_facts", "qa", "message_insights"],
    "session_facts": ["message_insights"],
    "session_subjects": ["message_insights"],
}

default_args = {
    "retries": 6,
    "retry_delay": timedelta(minutes=20),
}

with DAG(
    dag_id="voc_daily",
    schedule="30 2 * * *",
    start_date=datetime(2026, 11, 1),
    catchup=True,
    max_active_runs=1,
    default_args=default_args,
    tags=["voc"],
) as dag:
    tasks = {}
    for job in JOBS:
        tasks[job] = KubernetesPodOperator(
            task_id=job,
            name=f"voc-{job.replace('_', '-')}",
            image="voc:latest",
            arguments=["run", job, "--date", "{{ ds }}"],
            env_vars={"VOC_INPUT": "s3://raw-dumps/cs", "VOC_OUTPUT": "s3://marts/cs"},
            get_logs=True,
        )
    for job, deps in JOBS.items():
        for dep in deps:
            tasks[dep] >> tasks[job]
