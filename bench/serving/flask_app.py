"""The student team's stack for bench/serving.bench.ts: Flask serving the same
two models from the same model file (`recommender train --out models.json`),
users split by SHA-256 as @modelwatch/core's assignVariant does (salt
`recommender-v1`, half each), the classic contract (20 ids, comma-separated),
and every answer logged as a `recommendation` line on stdout, as the Node
service does. The kNN is numpy, the fastest plain way to write it in Python;
its answers are kept per user with the same bound as the Node service's
(ANSWER_CACHE, default 10,000 users; 0 keeps none), the models being fixed.

    MODEL_FILE=models.json bench/.venv/bin/gunicorn -w 2 -k gthread --threads 8 -b 127.0.0.1:8090 --chdir bench/serving flask_app:app
"""
import hashlib
import json
import os
import re
import sys
import time
from functools import lru_cache
from datetime import datetime, timezone

import numpy as np
from flask import Flask, Response

K = 20
SALT = os.environ.get("EXPERIMENT", "recommender-v1")
INSTANCE = os.environ.get("INSTANCE", "flask:8090")
USER_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")

with open(os.environ["MODEL_FILE"]) as f:
    model = json.load(f)
popular = model["popular"]
n = len(popular)
quality = np.asarray(model["quality"], dtype=np.float64)
# Neighbours as arrays per movie: indices and similarities.
neighbour_index = [np.asarray([j for j, _ in row], dtype=np.int64) for row in model["neighbours"]]
neighbour_sim = [np.asarray([s for _, s in row], dtype=np.float64) for row in model["neighbours"]]
history = {user: np.asarray(items, dtype=np.int64) for user, items in model["history"].items()}
popular_answer = ",".join(popular[:K])


def variant(user: str) -> str:
    """assignVariant's sha256 mode: the first 32 bits of sha256('salt:user') into 10,000 buckets; half each."""
    bucket = int(hashlib.sha256(f"{SALT}:{user}".encode()).hexdigest()[:8], 16) * 10_000 // 4294967296
    return "popular" if bucket < 5_000 else "personal"


@lru_cache(maxsize=int(os.environ.get("ANSWER_CACHE", "10000")))
def item_knn(user: str):
    seen = history.get(user)
    if seen is None:
        return None
    scores = np.zeros(n)
    for m in seen:
        np.add.at(scores, neighbour_index[m], neighbour_sim[m])
    scores[seen] = 0.0
    top = scores.max()
    scale = 0.5 / top if top > 0 else 0.0
    total = scores * scale + quality
    total[seen] = -np.inf
    k = min(K, n - len(seen))
    best = np.argpartition(-total, k - 1)[:k] if k < n else np.arange(n)
    best = best[np.argsort(-total[best], kind="stable")]
    return ",".join(popular[j] for j in best)


app = Flask(__name__)


@app.get("/recommend/<user>")
def recommend(user: str):
    t0 = time.perf_counter()
    if not USER_ID.match(user):
        return Response("the user id must be 1 to 64 letters, digits, _ or -\n", status=400, mimetype="text/plain")
    answer = item_knn(user) if variant(user) == "personal" else None
    if answer is None:
        answer = popular_answer
    ms = round((time.perf_counter() - t0) * 1000)
    stamp = datetime.now(timezone.utc).isoformat(timespec="milliseconds")[:23]
    sys.stdout.write(f"{stamp},{user},recommendation request {INSTANCE}, status 200, result: {answer.replace(',', ', ')}, {ms} ms\n")
    return Response(answer, mimetype="text/plain")


@app.get("/health")
def health():
    return "ok\n"
