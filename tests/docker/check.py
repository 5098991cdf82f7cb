#!/usr/bin/env python3
"""Docker cannot run on the project's machines, so this checks docker/Dockerfile and
docker/compose.yaml statically: every file, directory and script they reference must
exist in the repository (and not be hidden from the build by the .dockerignore).

Dockerfile
  - COPY/ADD sources exist in the build context (the repository root) and are not
    excluded by docker/Dockerfile.dockerignore; COPY --from names an earlier stage
  - repository paths in RUN lines (scripts/…, packaging/…, docker/…) exist;
    `make <target>` targets exist in the Makefile
  - the builder runs exactly CI's steps: scripts/install-deps.sh, make build, make deb;
    the runtime stage gets no Rust toolchain (no cargo/rustup, nothing from ~/.cargo)
compose.yaml (parsed with python3-yaml)
  - build contexts, Dockerfiles and targets (a stage of that Dockerfile), build args
    (declared with ARG)
  - bind-mount sources (with ${VAR:-default} expanded), env_files, depends_on services,
    named volumes declared
  - commands that run repository files inside the containers (the module's bin/conduit
    and its sub-command)
  - nginx's fastcgi_pass service and port match a compose service and php-fpm's listen

Then a self-test breaks copies of both files in memory and requires each break to be
reported, so the check cannot pass by checking nothing.

Usage: python3 tests/docker/check.py   Exit code 0 = pass.
"""
import fnmatch
import glob
import os
import re
import shlex
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DOCKER = os.path.join(ROOT, "docker")

try:
    import yaml
except ImportError:  # pragma: no cover
    print("FAIL tests/docker: python3-yaml is missing (apt-get install python3-yaml; scripts/install-deps.sh installs it)")
    sys.exit(1)

# Container paths that hold repository files, and where those come from.
CONTAINER_PATHS = {
    "/var/www/site/local/modules/conduit.integration/": "php/conduit.integration/",  # entrypoint copies it
    "/usr/share/conduit/bitrix/conduit.integration/": "php/conduit.integration/",    # the .deb
    "/usr/share/conduit/stubs/": "stubs/",
}
REPO_PATH_RE = re.compile(r"(?<![\w./-])((?:scripts|packaging|docker|tests|php|stubs|bench|src|crates)/[\w.*/-]+)")
CI_STEPS = ["scripts/install-deps.sh", "make build", "make deb"]


def rel(path):
    return os.path.relpath(path, ROOT)


# ---------------------------------------------------------------------------------
def makefile_targets():
    targets = set()
    with open(os.path.join(ROOT, "Makefile"), encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^([A-Za-z0-9_.-]+(?:\s+[A-Za-z0-9_.-]+)*)\s*:(?!=)", line)
            if m:
                targets.update(m.group(1).split())
    return targets


def dockerignore_patterns(dockerfile_path):
    """docker/Dockerfile.dockerignore (BuildKit), else .dockerignore at the context root."""
    for candidate in (dockerfile_path + ".dockerignore", os.path.join(ROOT, ".dockerignore")):
        if os.path.isfile(candidate):
            pats = []
            with open(candidate, encoding="utf-8") as f:
                for line in f:
                    line = line.strip()
                    if line and not line.startswith("#"):
                        pats.append(line)
            return pats
    return []


def ignored(path, patterns):
    """True when a context-relative path (or a parent directory) is excluded."""
    path = path.strip("/")
    parts = path.split("/")
    result = False
    for pat in patterns:
        neg = pat.startswith("!")
        p = pat[1:] if neg else pat
        p = p.strip("/")
        for i in range(1, len(parts) + 1):
            prefix = "/".join(parts[:i])
            hit = fnmatch.fnmatchcase(prefix, p) or (
                p.startswith("**/") and (fnmatch.fnmatchcase(prefix, p[3:]) or fnmatch.fnmatchcase(prefix, p))
            )
            if hit:
                result = not neg
                break
    return result


def parse_dockerfile(text):
    """[(line number, INSTRUCTION, arguments)] with continuations joined."""
    out, buf, start = [], "", 0
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip()
        if not buf and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if buf and line.lstrip().startswith("#"):
            continue  # comment inside a continued instruction
        if not buf:
            start = n
        if line.endswith("\\"):
            buf += line[:-1] + " "
            continue
        buf += line
        instr, _, args = buf.strip().partition(" ")
        out.append((start, instr.upper(), args.strip()))
        buf = ""
    return out


def expand(value, env):
    """${VAR}, ${VAR:-default}, $VAR with the given defaults (unknown -> default or "")."""
    def sub(m):
        name = m.group(1) or m.group(3)
        default = m.group(2)
        if name in env and env[name] != "":
            return env[name]
        return default if default is not None else ""
    return re.sub(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)", sub, value)


def check_dockerfile(text, path, context_dir):
    """Returns (errors, stages: {name: [instructions]}, declared args)."""
    errors = []
    name = rel(path)
    patterns = dockerignore_patterns(path)
    targets = makefile_targets()
    stages, order = {}, []
    current = None
    args = {}
    declared = set()
    for n, instr, a in parse_dockerfile(text):
        where = f"{name}:{n}"
        if instr == "ARG":
            k, _, v = a.partition("=")
            declared.add(k.strip())
            args.setdefault(k.strip(), v.strip().strip('"'))
            continue
        if instr == "FROM":
            parts = expand(a, args).split()
            stage = parts[2] if len(parts) >= 3 and parts[1].upper() == "AS" else f"#{len(order)}"
            base = parts[0]
            if not base or base.startswith("${"):
                errors.append(f"{where}: FROM {a}: image does not resolve")
            current = stage
            stages[stage] = []
            order.append(stage)
            continue
        if current is None:
            errors.append(f"{where}: {instr} before FROM")
            continue
        stages[current].append((n, instr, a))
        if instr in ("COPY", "ADD"):
            try:
                tokens = json_or_shell(a)
            except ValueError as e:
                errors.append(f"{where}: {instr}: {e}")
                continue
            flags = [t for t in tokens if t.startswith("--")]
            rest = [t for t in tokens if not t.startswith("--")]
            if len(rest) < 2:
                errors.append(f"{where}: {instr} needs a source and a destination")
                continue
            sources = rest[:-1]
            src_stage = next((f.split("=", 1)[1] for f in flags if f.startswith("--from=")), None)
            if src_stage is not None:
                if src_stage not in stages and not re.search(r"[:/]", src_stage):
                    errors.append(f"{where}: {instr} --from={src_stage}: no earlier stage of that name")
                if src_stage in stages:
                    produced = " ".join(x[2] for x in stages[src_stage] if x[1] == "RUN")
                    for s in sources:
                        if os.path.dirname(s) + "/" not in produced and os.path.basename(s) not in produced:
                            errors.append(f"{where}: {instr} --from={src_stage} {s}: no RUN in that stage writes it")
                continue
            for s in sources:
                if re.match(r"^https?://", s):
                    continue
                s_exp = expand(s, args)
                full = os.path.normpath(os.path.join(context_dir, s_exp))
                matches = glob.glob(full) if any(c in s_exp for c in "*?[") else ([full] if os.path.exists(full) else [])
                if not matches:
                    errors.append(f"{where}: {instr} source {s} does not exist in the build context ({rel(context_dir) or '.'})")
                    continue
                if s_exp not in (".", "./"):
                    for m in matches:
                        if ignored(os.path.relpath(m, context_dir), patterns):
                            errors.append(f"{where}: {instr} source {s} is excluded by the .dockerignore")
        elif instr == "RUN":
            for p in REPO_PATH_RE.findall(a):
                p = p.rstrip(".")
                full = os.path.join(context_dir, p)
                if not (glob.glob(full) if any(c in p for c in "*?[") else os.path.exists(full)):
                    errors.append(f"{where}: RUN references {p}, which does not exist")
                elif ignored(p, patterns):
                    errors.append(f"{where}: RUN references {p}, which the .dockerignore excludes")
            for t in re.findall(r"(?:^|&&|;|\|)\s*make\s+((?:-\S+\s+)*)([A-Za-z0-9_.-]+)", a):
                if t[1] not in targets:
                    errors.append(f"{where}: RUN make {t[1]}: no such Makefile target")
    return errors, stages, declared


def json_or_shell(a):
    a = a.strip()
    flags = []
    while a.startswith("--"):
        flag, _, a = a.partition(" ")
        flags.append(flag)
        a = a.strip()
    if a.startswith("["):
        import json
        try:
            return flags + json.loads(a)
        except json.JSONDecodeError as e:
            raise ValueError(f"bad JSON form: {e}")
    return flags + shlex.split(a)


def check_ci_steps(stages, name):
    errors = []
    builder = stages.get("builder")
    if builder is None:
        return [f"{name}: no stage named builder"]
    runs = " && ".join(a for _, i, a in builder if i == "RUN")
    for step in CI_STEPS:
        if step not in runs:
            errors.append(f"{name}: the builder stage does not run {step} (the step CI runs)")
    runtime = stages.get("runtime")
    if runtime is None:
        errors.append(f"{name}: no stage named runtime")
    else:
        for n, i, a in runtime:
            if i == "RUN" and re.search(r"\b(cargo|rustup|rustc)\b", a):
                errors.append(f"{name}:{n}: the runtime stage runs {i} with a Rust toolchain")
            if i in ("COPY", "ADD") and re.search(r"\.cargo|\.rustup", a):
                errors.append(f"{name}:{n}: the runtime stage copies a Rust toolchain")
    return errors


# ---------------------------------------------------------------------------------
def check_compose(text, compose_dir):
    errors = []
    name = rel(os.path.join(compose_dir, "compose.yaml"))
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as e:
        return [f"{name}: not valid YAML: {e}"], {}
    services = doc.get("services") or {}
    if not services:
        return [f"{name}: no services"], {}
    named_volumes = set((doc.get("volumes") or {}).keys())
    env = {}  # no .env: ${VAR:-default} takes its default
    checked_dockerfiles = {}
    for sname, svc in services.items():
        where = f"{name}: service {sname}"
        build = svc.get("build")
        if build is not None:
            if isinstance(build, str):
                build = {"context": build}
            ctx = os.path.normpath(os.path.join(compose_dir, expand(build.get("context", "."), env)))
            if not os.path.isdir(ctx):
                errors.append(f"{where}: build context {build.get('context')} is not a directory")
                continue
            df = os.path.normpath(os.path.join(ctx, build.get("dockerfile", "Dockerfile")))
            if not os.path.isfile(df):
                errors.append(f"{where}: Dockerfile {build.get('dockerfile')} not found in {rel(ctx)}")
                continue
            if df not in checked_dockerfiles:
                with open(df, encoding="utf-8") as f:
                    checked_dockerfiles[df] = check_dockerfile(f.read(), df, ctx)
                errors.extend(checked_dockerfiles[df][0])
                errors.extend(check_ci_steps(checked_dockerfiles[df][1], rel(df)))
            _, stages, declared = checked_dockerfiles[df]
            target = build.get("target")
            if target and target not in stages:
                errors.append(f"{where}: build target {target} is not a stage of {rel(df)} ({', '.join(s for s in stages if not s.startswith('#'))})")
            for arg in (build.get("args") or {}):
                if arg not in declared:
                    errors.append(f"{where}: build arg {arg} is not declared with ARG in {rel(df)}")
        elif not svc.get("image"):
            errors.append(f"{where}: neither build nor image")
        for vol in svc.get("volumes") or []:
            if isinstance(vol, dict):
                src, kind = vol.get("source"), vol.get("type", "volume")
            else:
                src = expand(str(vol), env).split(":")[0]
                kind = "bind" if src.startswith((".", "/", "~")) else "volume"
            src = expand(str(src or ""), env)
            if kind == "bind":
                full = os.path.normpath(os.path.join(compose_dir, os.path.expanduser(src)))
                if not os.path.exists(full):
                    errors.append(f"{where}: bind mount source {src} does not exist ({rel(full)})")
            elif src and src not in named_volumes:
                errors.append(f"{where}: volume {src} is not declared under volumes:")
        env_files = svc.get("env_file") or []
        for ef in [env_files] if isinstance(env_files, str) else env_files:
            ef = ef["path"] if isinstance(ef, dict) else ef
            if not os.path.isfile(os.path.join(compose_dir, ef)):
                errors.append(f"{where}: env_file {ef} does not exist")
        deps = svc.get("depends_on") or []
        for dep in deps.keys() if isinstance(deps, dict) else deps:
            if dep not in services:
                errors.append(f"{where}: depends_on {dep}: no such service")
        for key in ("command", "entrypoint"):
            cmd = svc.get(key)
            if cmd is None:
                continue
            tokens = shlex.split(cmd) if isinstance(cmd, str) else [str(t) for t in cmd]
            errors.extend(check_container_command(tokens, f"{where} {key}"))
    errors.extend(check_nginx(services, compose_dir, name))
    return errors, services


def check_container_command(tokens, where):
    errors = []
    for i, t in enumerate(tokens):
        for prefix, repo_dir in CONTAINER_PATHS.items():
            if t.startswith(prefix):
                p = repo_dir + t[len(prefix):]
                if not os.path.exists(os.path.join(ROOT, p)):
                    errors.append(f"{where}: {t} comes from {p}, which does not exist")
                elif p.endswith("bin/conduit") and i + 1 < len(tokens):
                    sub = tokens[i + 1]
                    cli = os.path.join(ROOT, os.path.dirname(os.path.dirname(p)), "lib", "cli")
                    found = False
                    for f in glob.glob(os.path.join(cli, "**", "*.php"), recursive=True):
                        with open(f, encoding="utf-8") as fh:
                            if f"'{sub}'" in fh.read():
                                found = True
                                break
                    if not found:
                        errors.append(f"{where}: bin/conduit has no command {sub!r} (searched {rel(cli)})")
    return errors


def check_nginx(services, compose_dir, name):
    errors = []
    fpm_conf = os.path.join(DOCKER, "php-fpm", "zz-docker.conf")
    listen_port = None
    if os.path.isfile(fpm_conf):
        with open(fpm_conf, encoding="utf-8") as f:
            m = re.search(r"^\s*listen\s*=\s*(?:[\d.]+:)?(\d+)\s*$", f.read(), re.M)
            listen_port = m.group(1) if m else None
    for sname, svc in services.items():
        for vol in svc.get("volumes") or []:
            src = expand(str(vol if not isinstance(vol, dict) else vol.get("source", "")), {}).split(":")[0]
            if not src.endswith(".conf") or "nginx" not in src:
                continue
            full = os.path.normpath(os.path.join(compose_dir, src))
            if not os.path.isfile(full):
                continue  # reported as a missing bind mount
            with open(full, encoding="utf-8") as f:
                conf = f.read()
            for host, port in re.findall(r"fastcgi_pass\s+([\w.-]+):(\d+)\s*;", conf):
                if host not in services:
                    errors.append(f"{rel(full)}: fastcgi_pass {host}:{port}: no compose service {host}")
                if listen_port and port != listen_port:
                    errors.append(f"{rel(full)}: fastcgi_pass port {port}, php-fpm listens on {listen_port} ({rel(fpm_conf)})")
    return errors


# ---------------------------------------------------------------------------------
def run_all(dockerfile_text=None, compose_text=None):
    with open(os.path.join(DOCKER, "compose.yaml"), encoding="utf-8") as f:
        ctext = f.read() if compose_text is None else compose_text
    errors = []
    if dockerfile_text is not None:
        # Checked on its own too (compose reads the file on disk).
        path = os.path.join(DOCKER, "Dockerfile")
        e, stages, _ = check_dockerfile(dockerfile_text, path, ROOT)
        errors.extend(e)
        errors.extend(check_ci_steps(stages, rel(path)))
        return errors
    e, _ = check_compose(ctext, DOCKER)
    errors.extend(e)
    return errors


def self_test():
    with open(os.path.join(DOCKER, "Dockerfile"), encoding="utf-8") as f:
        df = f.read()
    with open(os.path.join(DOCKER, "compose.yaml"), encoding="utf-8") as f:
        cy = f.read()
    cases = [
        ("COPY of a missing file", df + "\nCOPY scripts/no-such-script.sh /x\n", None, "no-such-script.sh"),
        ("RUN of a missing script", df.replace("RUN make build", "RUN bash scripts/no-such-build.sh && make build"), None, "no-such-build.sh"),
        ("RUN make of a missing target", df.replace("RUN make build", "RUN make no-such-target"), None, "no-such-target"),
        ("a CI step dropped", df.replace("RUN make deb", "RUN true"), None, "make deb"),
        ("COPY of an ignored path", df + "\nCOPY target/release/libconduit.so /x\n", None, "target/release/libconduit.so"),
        ("Rust in the runtime", df.replace("WORKDIR /var/www/site", "RUN cargo --version\nWORKDIR /var/www/site"), None, "Rust toolchain"),
        ("COPY --from an unknown stage", df + "\nCOPY --from=nosuchstage /a /b\n", None, "nosuchstage"),
        ("a missing bind mount", None, cy.replace("./nginx/default.conf", "./nginx/no-such.conf"), "no-such.conf"),
        ("a missing build target", None, cy.replace("target: mockapi", "target: no-such-stage"), "no-such-stage"),
        ("a missing worker script", None, cy.replace("bin/conduit\"", "bin/no-such-cli\""), "no-such-cli"),
        ("an unknown worker command", None, cy.replace('"worker",', '"no-such-command",'), "no-such-command"),
        ("an unknown dependency", None, cy.replace("condition: service_started\n  restart", "condition: service_started\n    nosuchservice:\n      condition: service_started\n  restart"), "nosuchservice"),
    ]
    failed = []
    for label, dtext, ctext, needle in cases:
        if (dtext is not None and dtext == df) or (ctext is not None and ctext == cy):
            failed.append(f"{label}: the mutation did not apply (self-test out of date)")
            continue
        errs = run_all(dtext, ctext)
        if not any(needle in e for e in errs):
            failed.append(f"{label}: not reported (errors: {errs})")
    return failed, len(cases)


def main():
    for f in ("Dockerfile", "compose.yaml"):
        if not os.path.isfile(os.path.join(DOCKER, f)):
            print(f"FAIL tests/docker: docker/{f} is missing")
            return 1
    errors = run_all()
    with open(os.path.join(DOCKER, "Dockerfile"), encoding="utf-8") as f:
        df_text = f.read()
    stages = [s for s in check_dockerfile(df_text, os.path.join(DOCKER, "Dockerfile"), ROOT)[1] if not s.startswith("#")]
    with open(os.path.join(DOCKER, "compose.yaml"), encoding="utf-8") as f:
        services = list((yaml.safe_load(f).get("services") or {}).keys())
    for e in errors:
        print("  " + e)
    if errors:
        print(f"FAIL tests/docker: {len(errors)} problem(s) in docker/Dockerfile and docker/compose.yaml")
        return 1
    print(f"ok   docker/Dockerfile: stages {', '.join(stages)}; builder runs {', '.join(CI_STEPS)}; every COPY source and script exists")
    print(f"ok   docker/compose.yaml: services {', '.join(services)}; every build, mount, dependency and command reference exists")
    failed, n = self_test()
    for f in failed:
        print("  self-test: " + f)
    if failed:
        print("FAIL tests/docker: the self-test found breaks the check misses")
        return 1
    print(f"ok   self-test: {n} deliberate breaks, each reported")
    print("PASS tests/docker")
    return 0


if __name__ == "__main__":
    sys.exit(main())
