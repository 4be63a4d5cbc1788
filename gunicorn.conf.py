"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py qa_site.wsgi`."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# A worker silent for this long is killed and replaced; no page should come near it
# (Markdown's worst case is 0.3 s, bench/markdown_worst_case.py).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# HTTP request line and headers (gunicorn answers 400 beyond these); bodies are bounded by Django's DATA_UPLOAD_*.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
graceful_timeout = 20
keepalive = 5
max_requests = 2000
max_requests_jitter = 200
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
