"""Static checks of the container files: Dockerfile, .dockerignore, docker-compose.yml and
.env.example. Building and running the image is ../shared/tools/container-check's job (.ci/run);
these checks are cheap and catch a stale variable list or a lost contract before a build."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import yaml

from bot.config.settings import PROJECT_ROOT, Environment

DOCKERFILE = PROJECT_ROOT / "Dockerfile"
DOCKERIGNORE = PROJECT_ROOT / ".dockerignore"
COMPOSE = PROJECT_ROOT / "docker-compose.yml"
ENV_EXAMPLE = PROJECT_ROOT / ".env.example"
DEPLOY_DOC = PROJECT_ROOT / "README.md"

Instruction = tuple[str, str]


def dockerfile_stages() -> list[list[Instruction]]:
    """The Dockerfile's instructions as (KEYWORD, arguments), one list per FROM."""
    logical: list[str] = []
    pending = ""
    for line in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if not stripped or (stripped.startswith("#") and not pending):
            continue
        if stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        logical.append(pending + stripped)
        pending = ""
    stages: list[list[Instruction]] = []
    for text in logical:
        keyword, _, arguments = text.partition(" ")
        if keyword.upper() == "FROM":
            stages.append([])
        if stages:
            stages[-1].append((keyword.upper(), arguments.strip()))
    return stages


def arguments_of(stage: list[Instruction], keyword: str) -> list[str]:
    return [arguments for kw, arguments in stage if kw == keyword]


def final_stage() -> list[Instruction]:
    return dockerfile_stages()[-1]


def image_env(stage: list[Instruction]) -> dict[str, str]:
    env: dict[str, str] = {}
    for arguments in arguments_of(stage, "ENV"):
        for name, value in re.findall(r"([A-Za-z_][A-Za-z0-9_]*)=(\S+)", arguments):
            env[name] = value
    return env


def arg_defaults(stage: list[Instruction]) -> dict[str, str]:
    defaults: dict[str, str] = {}
    for arguments in arguments_of(stage, "ARG"):
        name, _, value = arguments.partition("=")
        defaults[name.strip()] = value.strip()
    return defaults


def expand(text: str, variables: dict[str, str]) -> str:
    return re.sub(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?", lambda m: variables.get(m[1], m[0]), text)


def healthcheck_command() -> list[str]:
    (arguments,) = arguments_of(final_stage(), "HEALTHCHECK")
    exec_form = arguments[arguments.index("CMD") + len("CMD") :].strip()
    command = json.loads(exec_form)
    assert isinstance(command, list)
    return [str(part) for part in command]


def env_example_names() -> dict[str, str | None]:
    """Each NAME=value line of .env.example, commented out or not: NAME → value if set."""
    names: dict[str, str | None] = {}
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^(#\s*)?([A-Z][A-Z0-9_]*)=(.*)$", line)
        if match:
            names[match[2]] = None if match[1] else match[3]
    return names


def compose() -> dict[str, Any]:
    data = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


# --- Dockerfile ------------------------------------------------------------------------------


def test_every_stage_starts_from_python_slim() -> None:
    stages = dockerfile_stages()
    assert len(stages) >= 2, "multi-stage: a builder and a final stage"
    for stage in stages:
        base = stage[0][1].split()[0]
        assert re.fullmatch(r"python:3\.1[1-9]-slim(-bookworm)?", base), base


def test_final_stage_runs_as_a_numeric_non_root_user() -> None:
    stage = final_stage()
    (user,) = arguments_of(stage, "USER")
    resolved = expand(user, arg_defaults(stage))
    uid, _, gid = resolved.partition(":")
    assert uid.isdigit() and int(uid) > 0, resolved
    assert not gid or (gid.isdigit() and int(gid) > 0), resolved


def test_entrypoint_is_exec_form_python_m_bot_and_cmd_is_run() -> None:
    stage = final_stage()
    (entrypoint,) = arguments_of(stage, "ENTRYPOINT")
    (cmd,) = arguments_of(stage, "CMD")
    assert json.loads(entrypoint) == ["python", "-m", "bot"]
    assert json.loads(cmd) == ["run"]
    assert arguments_of(stage, "STOPSIGNAL") == ["SIGTERM"]


def test_project_tree_sits_beside_the_package_under_app() -> None:
    """bot/config/settings.py finds config/, seeds/ and the var/ state folder one level above
    the package, so the image must keep that layout and put /app on the import path."""
    stage = final_stage()
    targets = {arguments.split()[-1].rstrip("/") for arguments in arguments_of(stage, "COPY")}
    assert {"/app/bot", "/app/config", "/app/seeds", "/app/samples"} <= targets
    assert image_env(stage)["PYTHONPATH"] == "/app"
    assert arguments_of(stage, "WORKDIR") == ["/app"]
    assert json.loads(arguments_of(stage, "VOLUME")[0]) == ["/app/var"]


def test_no_compiler_is_installed_in_any_stage() -> None:
    for stage in dockerfile_stages():
        for run in arguments_of(stage, "RUN"):
            assert not re.search(r"\b(gcc|g\+\+|build-essential|clang)\b", run), run


def test_dependencies_are_installed_with_the_constraints_file() -> None:
    runs = " ".join(arguments_of(dockerfile_stages()[0], "RUN"))
    assert "-c constraints.txt" in runs
    assert "--no-cache-dir" in runs


def test_healthcheck_port_matches_the_http_port_the_image_sets() -> None:
    stage = final_stage()
    port = image_env(stage)["BOT_HTTP_PORT"]
    assert arguments_of(stage, "EXPOSE") == [port]
    assert f"'{port}'" in " ".join(healthcheck_command())
    assert "/healthz" in " ".join(healthcheck_command())


class _StatusHandler(BaseHTTPRequestHandler):
    status = 200
    paths: list[str]

    def do_GET(self) -> None:
        self.paths.append(self.path)
        self.send_response(self.status)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def health_server() -> Iterator[tuple[ThreadingHTTPServer, type[_StatusHandler]]]:
    handler = type("Handler", (_StatusHandler,), {"paths": [], "status": 200})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, handler
    server.shutdown()
    server.server_close()


def run_healthcheck(port: int) -> int:
    command = healthcheck_command()
    assert command[0] == "python"
    completed = subprocess.run(
        [sys.executable, *command[1:]],
        env={"BOT_HTTP_PORT": str(port)},
        capture_output=True,
        timeout=30,
        check=False,
    )
    return completed.returncode


def test_healthcheck_passes_on_200_from_healthz(
    health_server: tuple[ThreadingHTTPServer, type[_StatusHandler]],
) -> None:
    server, handler = health_server
    assert run_healthcheck(server.server_address[1]) == 0
    assert handler.paths == ["/healthz"]


def test_healthcheck_fails_on_503_from_healthz(
    health_server: tuple[ThreadingHTTPServer, type[_StatusHandler]],
) -> None:
    server, handler = health_server
    handler.status = 503
    assert run_healthcheck(server.server_address[1]) != 0
    assert handler.paths == ["/healthz"]


def test_healthcheck_passes_when_the_http_server_is_turned_off(
    health_server: tuple[ThreadingHTTPServer, type[_StatusHandler]],
) -> None:
    """BOT_HTTP_PORT=0 turns the server off (README); the check must not mark the container
    unhealthy for it."""
    _, handler = health_server
    assert run_healthcheck(0) == 0
    assert handler.paths == []


def test_healthcheck_fails_when_nothing_listens(
    health_server: tuple[ThreadingHTTPServer, type[_StatusHandler]],
) -> None:
    server, _ = health_server
    port = server.server_address[1]
    server.shutdown()
    server.server_close()
    assert run_healthcheck(port) != 0


# --- .dockerignore ---------------------------------------------------------------------------


def dockerignore_patterns() -> list[str]:
    lines = DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def test_dockerignore_lets_in_only_what_the_dockerfile_copies() -> None:
    """An allowlist keeps .env, secrets/, var/ and .venv out of every build context."""
    patterns = dockerignore_patterns()
    assert patterns[0] == "*"
    allowed = {p[1:].rstrip("/") for p in patterns if p.startswith("!")}
    copied: set[str] = set()
    for stage in dockerfile_stages():
        for arguments in arguments_of(stage, "COPY"):
            if "--from=" in arguments:
                continue
            sources = [part for part in arguments.split()[:-1] if not part.startswith("--")]
            copied.update(source.rstrip("/").removeprefix("./") for source in sources)
    assert copied == allowed
    for private in (".env", ".venv", "var", ".git", "secrets"):
        assert private not in allowed
    for name in allowed:
        assert (PROJECT_ROOT / name).exists(), name


# --- .env.example ----------------------------------------------------------------------------


def test_env_example_names_every_environment_setting() -> None:
    missing = set(Environment.model_fields) - set(env_example_names())
    assert not missing, f".env.example lacks {sorted(missing)}"


def variables_named_in_the_code() -> set[str]:
    """Environment variables the bot reads outside ``Environment`` (such as
    ``DISCORD_DEV_GUILD_ID``), found as string literals in bot/."""
    names: set[str] = set()
    for source in (PROJECT_ROOT / "bot").rglob("*.py"):
        text = source.read_text(encoding="utf-8")
        names.update(re.findall(r"[\"']((?:BOT|DATABASE|SLACK|DISCORD)_[A-Z0-9_]+)[\"']", text))
    return names


def test_env_example_names_every_variable_the_code_reads() -> None:
    missing = variables_named_in_the_code() - set(env_example_names())
    assert not missing, f".env.example lacks {sorted(missing)}"


def test_env_example_names_only_known_variables() -> None:
    compose_variables = set(re.findall(r"\$\{([A-Z_][A-Z0-9_]*)", COMPOSE.read_text("utf-8")))
    known = set(Environment.model_fields) | compose_variables | variables_named_in_the_code()
    unknown = set(env_example_names()) - known
    assert not unknown, f".env.example names variables nothing reads: {sorted(unknown)}"


def test_env_example_as_given_is_a_valid_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The lines left uncommented must pass the settings' validation unchanged."""
    for name in Environment.model_fields:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(f"{name}_FILE", raising=False)
    for name, value in env_example_names().items():
        if value is not None:
            monkeypatch.setenv(name, value)
    Environment()


def test_env_example_commented_values_are_valid_too(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in Environment.model_fields:
        monkeypatch.delenv(f"{name}_FILE", raising=False)
    text = ENV_EXAMPLE.read_text(encoding="utf-8")
    for name, value in re.findall(r"^#\s*([A-Z][A-Z0-9_]*)=(.*)$", text, flags=re.MULTILINE):
        if name in Environment.model_fields:
            monkeypatch.setenv(name, value)
    environment = Environment()
    assert environment.BOT_HTTP_PORT == 8080


# --- docker-compose.yml ----------------------------------------------------------------------


def test_compose_runs_the_bot_beside_postgresql_with_a_replica_profile() -> None:
    services = compose()["services"]
    assert {"db", "bot", "bot-2"} <= set(services)
    assert "profiles" not in services["bot"]
    assert "replicas" in services["bot-2"]["profiles"]
    for name in ("bot", "bot-2"):
        service = services[name]
        assert service["build"] == "."
        assert service["depends_on"]["db"]["condition"] == "service_healthy"
        environment = service["environment"]
        # libpq variables, not a URL: the password needs no escaping, and DATABASE_URL (or
        # DATABASE_URL_FILE) from .env or an override file is not shadowed by the compose file
        assert "DATABASE_URL" not in environment and "DATABASE_URL_FILE" not in environment
        assert environment["PGHOST"] == "db" and environment["PGUSER"] == "bot"
        assert environment["PGPASSWORD"].startswith("${POSTGRES_PASSWORD:?")
        assert any(volume.endswith(":/app/var") for volume in service["volumes"])
        assert service["init"] is True
    ids = {services[name]["environment"]["BOT_INSTANCE_ID"] for name in ("bot", "bot-2")}
    assert len(ids) == 2
    assert "healthcheck" in services["db"]


def test_compose_gives_time_for_the_graceful_stop() -> None:
    """The worker waits up to 30 s for running jobs after SIGTERM (bot/app/runner.py)."""
    grace = compose()["services"]["bot"]["stop_grace_period"]
    assert re.fullmatch(r"\d+s", grace) and int(grace[:-1]) > 30


def test_compose_publishes_the_port_the_image_listens_on() -> None:
    port = image_env(final_stage())["BOT_HTTP_PORT"]
    services = compose()["services"]
    for name in ("bot", "bot-2"):
        assert services[name]["environment"]["BOT_HTTP_PORT"] == port
        (published,) = services[name]["ports"]
        assert published.endswith(f":{port}")


def test_compose_variables_are_documented_in_env_example() -> None:
    used = set(re.findall(r"\$\{([A-Z_][A-Z0-9_]*)", COMPOSE.read_text(encoding="utf-8")))
    undocumented = used - set(env_example_names())
    assert not undocumented, f".env.example lacks {sorted(undocumented)}"


# --- the README deploy section ------------------------------------------------------------


@pytest.mark.parametrize(
    "needle",
    ["docker run", "docker compose", "--profile replicas", "_FILE", "manifest", "Discord"],
)
def test_deploy_doc_covers(needle: str) -> None:
    assert needle in DEPLOY_DOC.read_text(encoding="utf-8")
