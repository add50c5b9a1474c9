# The web endpoint as a container: waitress on 0.0.0.0:8080, verification on,
# memory in an SQLite file on the /data volume. Set MSGUIDE_SKILL_ID.
FROM python:3.11-slim
WORKDIR /app
COPY requirements/bootstrap.lock requirements/web.lock requirements/
# The pinned installer first (the image's pip may not install a hashed lock on every day).
RUN pip install --no-cache-dir --require-hashes --no-deps -r requirements/bootstrap.lock \
    && pip install --no-cache-dir --require-hashes -r requirements/web.lock
COPY pyproject.toml README.md PRIVACY.md TERMS.md ./
COPY requirements/ requirements/
COPY lambda/ lambda/
COPY msguide_web/ msguide_web/
COPY msguide_sim/ msguide_sim/
COPY msguide_tools/ msguide_tools/
COPY skill-package/assets/ skill-package/assets/
RUN pip install --no-cache-dir --no-deps --no-build-isolation . \
    && mkdir /data && chown nobody /data
ENV MSGUIDE_HOME=/app \
    MSGUIDE_HOST=0.0.0.0 \
    MSGUIDE_PORT=8080 \
    MSGUIDE_PERSISTENCE=sqlite \
    MSGUIDE_DB=/data/memory.sqlite3
VOLUME /data
USER nobody
EXPOSE 8080
HEALTHCHECK CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/health', timeout=3)"
CMD ["python", "-m", "msguide_web"]
