#!/usr/bin/env bash
# Checks the deployment files: the node tests of test/deploy (always), then `docker build`, `helm lint`,
# `helm template` and a manifest validator (kubeconform) where those tools exist. Prints what it skipped.
# Usage: scripts/check-deploy.sh            (run from anywhere; exits non-zero on the first failure)
set -euo pipefail
cd "$(dirname "$0")/.."
chart=charts/portico
skipped=()
ran=()

step() { printf '\n== %s\n' "$1"; }

step "node checks (test/deploy: compose, chart, schema, Dockerfile, example.env against the config module)"
npm run build --silent
node scripts/test.mjs dist/test/deploy/
ran+=("node checks")

step "docker build"
if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
  docker build -t portico:check .
  docker run --rm portico:check --help >/dev/null
  ran+=("docker build")
else
  skipped+=("docker build (no docker engine)")
fi

step "docker compose config"
if command -v docker >/dev/null 2>&1 && docker compose version >/dev/null 2>&1; then
  docker compose -f docker-compose.yml config --quiet
  ran+=("docker compose config")
else
  skipped+=("docker compose config (no compose plugin)")
fi

rendered=$(mktemp -d)
trap 'rm -rf "$rendered"' EXIT
step "helm lint and helm template (every $chart/ci/*.yaml)"
if command -v helm >/dev/null 2>&1; then
  for values in "$chart"/ci/*.yaml; do
    name=$(basename "$values" .yaml)
    helm lint --strict "$chart" -f "$values"
    helm template portico "$chart" -f "$values" >"$rendered/$name.yaml"
  done
  # Unsupported combinations must be refused with the chart's message.
  if helm template portico "$chart" -f "$chart/ci/embedded-values.yaml" --set serve.replicaCount=2 >/dev/null 2>&1; then
    echo "helm template accepted embedded mode with 2 replicas" >&2
    exit 1
  fi
  ran+=("helm lint" "helm template")
else
  skipped+=("helm lint" "helm template (no helm binary)")
fi

step "manifest validation (kubeconform)"
if command -v kubeconform >/dev/null 2>&1 && compgen -G "$rendered/*.yaml" >/dev/null; then
  kubeconform -strict -summary -ignore-missing-schemas "$rendered"/*.yaml
  ran+=("kubeconform")
else
  skipped+=("kubeconform (no kubeconform binary, or nothing rendered)")
fi

join() { local out="" item; for item in "$@"; do out+="${out:+, }$item"; done; echo "$out"; }
echo
echo "ran: $(join "${ran[@]}")"
if [ ${#skipped[@]} -gt 0 ]; then echo "skipped: $(join "${skipped[@]}")"; fi
