# The bot as a container: `docker build -t fentanyl-trade-bot .`, then see "Deploying with Docker" in README.md.
#
# Two stages on the same base. The builder makes a virtualenv with the runtime dependencies of
# pyproject.toml pinned by constraints.txt (every one ships a wheel, psycopg through its [binary]
# extra, so no compiler is installed anywhere). The final stage copies that venv and the source
# tree to /app, so bot/ sits beside config/, seeds/ and samples/ as bot/config/settings.py expects
# (PROJECT_ROOT is the folder above the package). State lives on the /app/var volume.

FROM python:3.12-slim AS builder

# binutils brings `strip` for the slimming step below; it stays in this stage. Not pinned: the
# Debian release under the python:3.12-slim tag moves (bookworm, trixie), and a pinned version
# of one release does not exist in the next, so a pin would only break the build.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends binutils \
    && rm -rf /var/lib/apt/lists/*

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH

WORKDIR /src
RUN python -m venv /opt/venv \
    && pip install --no-cache-dir pip==26.3
COPY pyproject.toml constraints.txt ./
# The runtime dependencies only (not the test extras), read from pyproject.toml so the list is
# kept in one place; this layer is rebuilt only when those two files change. Then the slimming,
# each part measured on this image: no pip or setuptools in the venv; no test suites, C sources,
# headers or type stubs; debug symbols stripped from extension modules (not from the vendored
# *.libs, whose headers auditwheel rewrote); Babel's locale data cut to English (courlan, via
# trafilatura, is its only user and treats a missing locale as an unknown language); and no
# bytecode compiled at install time (the modules the bot imports are compiled below). The pip
# of the base image may be too old to match extras spelled `html_clean` with `html-clean`.
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > requirements.txt \
    && pip install --no-cache-dir --no-compile -c constraints.txt -r requirements.txt \
    && pip uninstall --yes pip setuptools \
    && site="$(python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')" \
    && find "$site" -type d \( -name tests -o -name __pycache__ \) -prune -exec rm -rf {} + \
    && find "$site" -type f \( -name '*.pyi' -o -name '*.pyx' -o -name '*.pxd' -o -name '*.c' -o -name '*.h' \) -delete \
    && find "$site" -type f -name '*.so' -not -path '*.libs/*' -exec strip --strip-debug {} + \
    && find "$site/babel/locale-data" -type f ! -name root.dat ! -name 'en.dat' ! -name 'en_*.dat' -delete \
    && python -c "import courlan, babel; babel.Locale.parse('en_US')"

COPY bot/ /app/bot/
# Importing every module of the package (the Alembic scripts aside: they run on import) proves
# that the venv holds everything the bot can need. Bytecode is kept only for what the CLI and the
# worker load at start, to stay within the size budget: the rest (chat adapters, charts) is
# compiled in memory once per process. checked-hash .pyc files stay valid whatever mtimes a copy
# gives their sources.
WORKDIR /app
RUN python -B -c "import importlib, pkgutil, bot; [importlib.import_module(m.name) for m in pkgutil.walk_packages(bot.__path__, 'bot.') if '.migrations' not in m.name]" \
    && python -c "import sys, py_compile, bot.app.cli, bot.app.runner; mode = py_compile.PycInvalidationMode.CHECKED_HASH; files = {getattr(m, '__file__', None) or '' for m in list(sys.modules.values())}; [py_compile.compile(f, invalidation_mode=mode, doraise=True) for f in sorted(files) if f.startswith('/opt/venv/') and f.endswith('.py')]" \
    && python -m compileall -q --invalidation-mode checked-hash /app/bot


FROM python:3.12-slim

ARG BOT_UID=10001
ENV PATH=/opt/venv/bin:$PATH \
    VIRTUAL_ENV=/opt/venv \
    PYTHONPATH=/app \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    MPLCONFIGDIR=/tmp/matplotlib \
    BOT_HTTP_PORT=8080

# A numeric user with a home on the state volume; the code stays owned by root (read-only to it).
RUN groupadd --gid "${BOT_UID}" bot \
    && useradd --uid "${BOT_UID}" --gid "${BOT_UID}" --home-dir /app/var --no-create-home \
       --no-log-init --shell /usr/sbin/nologin bot \
    && mkdir -p /app/var \
    && chown "${BOT_UID}:${BOT_UID}" /app/var

COPY --from=builder /opt/venv /opt/venv
COPY --from=builder /app/bot /app/bot
COPY config/ /app/config/
COPY seeds/ /app/seeds/
COPY samples/ /app/samples/

WORKDIR /app
# The SQLite database (the default DATABASE_URL) and anything else the bot writes.
VOLUME ["/app/var"]
USER ${BOT_UID}:${BOT_UID}
EXPOSE 8080

# /healthz answers 200 for ok and degraded, 503 for fail (see "Health" in README.md). With
# BOT_HTTP_PORT=0 there is no server to ask: the check passes (the container still stops if the
# worker does).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, sys, urllib.request as r; p = os.environ.get('BOT_HTTP_PORT', '8080').strip(); p in ('', '0') and sys.exit(0); r.urlopen('http://127.0.0.1:%s/healthz' % p, timeout=4)"]

STOPSIGNAL SIGTERM
ENTRYPOINT ["python", "-m", "bot"]
CMD ["run"]
