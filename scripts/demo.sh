#!/usr/bin/env bash
# `npm run demo`: compile the example rubrics into bundles/, lock and verify them, then show
# what changed between two versions of one rubric.
set -euo pipefail
cd "$(dirname "$0")/.."
rulers() { node bin/rulers.js "$@"; }

echo "== compile the examples"
rulers compile examples/asap-essay.rubric examples/source-response.rubric examples/health-answer.rubric \
  examples/pairwise-helpfulness.rubric examples/mt-bench-judge.rubric examples/versions/pairwise-helpfulness-1.1.0.rubric \
  examples/healthbench-conversation.rubric examples/agent-tool-calls.rubric examples/image-chart.rubric
rulers compile examples/health-per-item.rubric --items examples/health-per-item.jsonl

echo; echo "== lock them (rulers.lock pins id → version → hash)"
rulers lock bundles

echo; echo "== verify every bundle against its own hash and the lock"
rulers verify

echo; echo "== formatting never changes a hash: fmt --check"
rulers fmt --check examples/*.rubric examples/parts/*.rubric examples/versions/*.rubric

echo; echo "== what changed from chat.helpfulness-pairwise 1.0.0 to 1.1.0"
rulers diff examples/pairwise-helpfulness.rubric examples/versions/pairwise-helpfulness-1.1.0.rubric
