# demo: griddle compose: authority, policies with witnesses, contracts with bridge obligations, evidence from griddle verify, initialisation, the assurance ledger
set -eu
G=${GRIDDLE:-build/griddle}
SVG_BAD=build/demo-compose-bad.svg
SVG=build/demo-compose.svg

echo "\$ cat examples/sensor_logger/sensor_logger.policy"
sed 's/^/  /' examples/sensor_logger/sensor_logger.policy
echo
echo "\$ griddle compose examples/sensor_logger_bad --svg $SVG_BAD"
echo "  # Sensor was given a write map of Logger's memory: rejected, with the witness"
set +e
$G compose --color=never examples/sensor_logger_bad --svg "$SVG_BAD" >/dev/null 2>build/demo-compose-bad.err
rc=$?
set -e
head -7 build/demo-compose-bad.err | sed 's/^/  /'
echo "  (exit status $rc; picture with the witness in red: $SVG_BAD)"
echo
ECHO="examples/echo/echo.system examples/echo/echo.policy $(ls examples/echo/*.contract | tr '\n' ' ')"
echo "\$ griddle compose examples/echo/echo.system examples/echo/echo.policy examples/echo/*.contract --authority    # client0's part"
$G compose $ECHO --authority | sed -n '/^  client0/,/^  copy1/p' | head -10 | sed 's/^/  /'
echo "\$ griddle compose examples/echo/echo.system examples/echo/echo.policy examples/echo/*.contract | grep -E '^  C[0-9]+ |^result'"
$G compose $ECHO | grep -E '^  C[0-9]+ |^result' | sed 's/^/  /'
echo "\$ griddle compose examples/echo_pnk | grep -E -A2 '^  L5 '"
echo "  # the same system with the Pancake ENET driver: its contract names eth_driver.pnk;"
echo "  # all 17 functions verify against it (Z3, and cvc5 where Z3 cannot decide): discharged"
set +e
$G compose --color=never examples/echo_pnk 2>/dev/null | grep -E -A1 '^  L5 ' | cut -c1-400 | sed 's/^/  /'
set -e
echo
echo "\$ cat examples/sensor_logger/logger.contract | grep -v '^#'"
grep -v '^#' examples/sensor_logger/logger.contract | sed 's/^/  /'
echo "\$ griddle compose examples/sensor_logger/sensor_logger.system \\"
echo "      examples/sensor_logger/sensor.contract tests/compose/contract/rely-too-strong/logger.contract"
echo "  # a Logger that relies on lengths <= 32: the bridge obligation fails, with Z3's counterexample"
set +e
$G compose --color=never examples/sensor_logger/sensor_logger.system examples/sensor_logger/sensor.contract \
  tests/compose/contract/rely-too-strong/logger.contract 2>&1 >/dev/null | sed 's/^/  /'
set -e
echo
echo "\$ griddle compose examples/sensor_logger/sensor_logger.system \\"
echo "      tests/compose/contract/evidence-fail/*.contract --no-cache | grep -A1 '^  L'"
echo "  # Sensor in Pancake (source item): verified against the model generated from its"
echo "  # contract; this one lets a length of 65 through, so its guarantee is unsupported"
set +e
$G compose --color=never examples/sensor_logger/sensor_logger.system \
  tests/compose/contract/evidence-fail/logger.contract tests/compose/contract/evidence-fail/sensor.contract \
  --no-cache 2>/dev/null | grep -A1 -E '^  L[0-9]' | sed 's/^/  /'
set -e
echo
echo "\$ griddle compose examples/sensor_logger --init-run --search-path build/examples/sensor_logger --svg $SVG"
echo "  # the ledger: Logger's promises verified (L1: griddle verify of logger.pnk against the"
echo "  # model generated from its contract), Sensor's trusted, the running state compared"
$G compose examples/sensor_logger --init-run --search-path build/examples/sensor_logger \
  --svg "$SVG" | sed 's/^/  /'
echo "  picture: $SVG (PDs, regions, channels; edges covered by discharged claims in green)"
