# Image for the portal's web, worker and beat processes (see docker-compose.yml).
#   docker build -t cyber-responsibility-portal .
# The image holds no secret: SECRET_KEY, DATABASE_URL etc. come from the environment at run time.
FROM python:3.11-slim

# The app runs from the source tree in /app: the installed wheel carries only .py files, not the
# templates and static files, so PYTHONPATH puts /app first on the import path (gunicorn and
# manage.py would find it anyway; celery needs it).
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    PORTAL_VAR_DIR=/app/var \
    STATIC_ROOT=/app/static

WORKDIR /app

RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin app

# Dependencies first, from pyproject.toml alone, so that editing the code does not reinstall them.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

# Then the project itself (its dependencies are already satisfied, so this is quick).
COPY manage.py ./
COPY portal ./portal
COPY cms ./cms
COPY search ./search
RUN pip install . \
    && rm -rf build ./*.egg-info

# Static files are collected into the image and served by WhiteNoise. DEBUG=0 selects the
# hashed, compressed storage; the SECRET_KEY here is a build-only dummy that never reaches the
# final environment (it is set for this one command, not with ENV).
RUN SECRET_KEY=build-only-dummy-not-used-at-run-time DEBUG=0 \
    python manage.py collectstatic --noinput

# /app/var is the only writable place: media uploads (a volume in compose) and the beat schedule.
# Creating media/ here, owned by app, makes a fresh named volume mounted on it writable too.
RUN mkdir -p /app/var/media && chown -R app:app /app/var

USER 10001:10001

EXPOSE 8000

# No HEALTHCHECK here: worker and beat use this image too and serve no HTTP.
# docker-compose.yml checks the web service on /healthz/ instead.
CMD ["gunicorn", "portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
