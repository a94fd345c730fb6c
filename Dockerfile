# IYO WORK bot: one aiohttp process serving /api/messages, /healthz and /readyz on port 3978.
# Build: docker build -t iyowork-bot .   Run: see docs/deploy.md (settings come from the
# environment; nothing secret is baked into the image).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1

WORKDIR /app

# Dependencies in their own layer. requirements.lock pins everything, the dev tools too (pytest,
# mypy, Playwright…): used as constraints on the runtime dependencies of pyproject.toml, it fixes
# their versions without installing the tools.
COPY pyproject.toml requirements.lock ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/runtime.txt \
    && pip install --requirement /tmp/runtime.txt --constraint requirements.lock \
    && rm /tmp/runtime.txt

# The code belongs to root and is only read; the bot's user may write var/ alone (the SQLite
# fallback; production uses PostgreSQL through DATABASE_URL).
COPY . .
RUN python -m compileall -q app.py bot cards core dialogs graph storage \
    && useradd --create-home --uid 10001 --shell /usr/sbin/nologin iyowork \
    && mkdir -p var && chown iyowork var
USER iyowork

ENV HOST=0.0.0.0 \
    PORT=3978
EXPOSE 3978

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '3978'), timeout=4)"]

CMD ["python", "app.py"]
