#!/bin/sh
# Stands in for a trainer so the training lifecycle can be tried end to end without a GPU: it trains nothing.
# It reads the training file Forge hands it, prints ten JSON progress lines the way a real trainer script for
# the `local` provider should, writes a marker into the output folder and exits 0.
#   bash scripts/run.sh --Forge:Training:Local:Command="sh $PWD/scripts/try-local-training.sh"
# Everything comes from FORGE_* variables: the command is run as argv, without a shell, and the values are never
# spliced into shell text.
set -e
examples=$(wc -l < "$FORGE_TRAINING_FILE")
echo "{\"event\":\"message\",\"message\":\"$examples examples for $FORGE_BASE_MODEL ($FORGE_METHOD)\"}"
i=1
while [ $i -le 10 ]; do
  progress="0.$i"; [ $i -eq 10 ] && progress="1.0"
  echo "{\"event\":\"metrics\",\"step\":$i,\"epoch\":1,\"loss\":0.$((100 - i * 5)),\"progress\":$progress}"
  sleep "${FORGE_DEMO_STEP_SECONDS:-1}"
  i=$((i + 1))
done
mkdir -p "$FORGE_OUTPUT_DIR"
echo "not a model: written by scripts/try-local-training.sh" > "$FORGE_OUTPUT_DIR/README"
echo "{\"event\":\"completed\",\"model\":\"$FORGE_OUTPUT_DIR\"}"
