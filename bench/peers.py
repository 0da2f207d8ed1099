"""The other tools bench/run and bench/parity run beside mongoway, installed into
bench/.peers (git-ignored, never committed) on first use:

  golang-migrate  GOLANG_MIGRATE_VERSION with its mongodb driver (go install -tags mongodb), bench/.peers/bin/migrate
  migrate-mongo   the latest release (npm), bench/.peers/node_modules/migrate-mongo
  pymongo         in a virtualenv, bench/.peers/venv

Each install is skipped when its result is already there.
"""
import os
import shutil
import subprocess
import sys
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
PEERS = os.path.join(BENCH, ".peers")
GOLANG_MIGRATE_MODULE = "github.com/golang-migrate/migrate/v4/cmd/migrate"
GOLANG_MIGRATE_VERSION = "v4.19.1"
GOLANG_MIGRATE_BIN = os.path.join(PEERS, "bin", "migrate")
MIGRATE_MONGO_BIN = os.path.join(PEERS, "node_modules", "migrate-mongo", "bin", "migrate-mongo.js")
VENV_PYTHON = os.path.join(PEERS, "venv", "bin", "python")


def log(msg):
    print(f"[peers {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def die(msg):
    log(f"error: {msg}")
    sys.exit(1)


def run(argv, what, env=None):
    """Runs one install step; stops the program, showing the step's output, when it fails."""
    p = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    if p.returncode != 0:
        out = "\n".join((p.stdout.strip() + "\n" + p.stderr.strip()).strip().splitlines()[-15:])
        die(f"{what} failed (exit {p.returncode}): {' '.join(argv)}\n{out}")


def install_golang_migrate():
    if os.path.exists(GOLANG_MIGRATE_BIN):
        return
    shutil.which("go") or die("go is needed to install golang-migrate")
    log(f"installing golang-migrate {GOLANG_MIGRATE_VERSION} with its mongodb driver (go install)")
    env = dict(os.environ, GOBIN=os.path.dirname(GOLANG_MIGRATE_BIN))
    run(["go", "install", "-tags", "mongodb", f"{GOLANG_MIGRATE_MODULE}@{GOLANG_MIGRATE_VERSION}"], "go install", env)


def install_migrate_mongo():
    if os.path.exists(MIGRATE_MONGO_BIN):
        return
    shutil.which("npm") or die("npm is needed to install migrate-mongo (apt-get install npm)")
    log("installing migrate-mongo (npm)")
    run(["npm", "install", "--prefix", PEERS, "--no-audit", "--no-fund", "migrate-mongo"], "npm install")


def install_pymongo():
    if not os.path.exists(VENV_PYTHON):
        log("creating a virtualenv with pymongo (pip)")
        run([sys.executable, "-m", "venv", os.path.dirname(os.path.dirname(VENV_PYTHON))], "python3 -m venv")
    if subprocess.run([VENV_PYTHON, "-c", "import pymongo"], capture_output=True).returncode != 0:
        run([VENV_PYTHON, "-m", "pip", "install", "--quiet", "pymongo"], "pip install pymongo")


def install(golang_migrate=True, migrate_mongo=True, pymongo=True):
    os.makedirs(PEERS, exist_ok=True)
    if migrate_mongo:
        install_migrate_mongo()
    if golang_migrate:
        install_golang_migrate()
    if pymongo:
        install_pymongo()
